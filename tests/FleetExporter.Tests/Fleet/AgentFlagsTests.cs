using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Fleet;

public sealed class AgentFlagsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static UnitFacts Unit(string active = "active", string? fileState = "enabled", string load = "loaded") =>
        new("a.service", load, active, active == "active" ? "exited" : "dead", fileState, DateTimeOffset.UnixEpoch, null, 0);

    private static TmuxPane Pane(bool dead = false, int? status = null) =>
        new("a", "%0", 100, "sleep", dead, status, DateTimeOffset.UnixEpoch, "/dev/pts/1", 200, 50);

    private static readonly PaneProcesses Running = new(new RuntimeProcess(101, "sleep", 4096, 0.1, null), ["bash", "sleep"]);
    private static readonly PaneProcesses ShellOnly = new(null, ["bash"]);

    private static HeartbeatReading Heartbeat(HeartbeatState state = HeartbeatState.Ok, double ageSeconds = 1) =>
        new(state, "/run/a.hb", state == HeartbeatState.Ok ? null : "why",
            state == HeartbeatState.Ok ? DateTimeOffset.UnixEpoch : null,
            state == HeartbeatState.Ok ? TimeSpan.FromSeconds(ageSeconds) : null, Interval, null, null, null);

    private static IReadOnlyList<string> Classify(
        UnitFacts? unit = null, bool? linger = true, bool tmuxKnown = true, TmuxPane? pane = null, PaneProcesses? processes = null,
        HeartbeatReading? heartbeat = null, SystemdScope scope = SystemdScope.User, bool noPane = false, bool noUnit = false, bool noProcesses = false) =>
        AgentFlags.Classify(noUnit ? null : unit ?? Unit(), scope, linger, tmuxKnown, noPane ? null : pane ?? Pane(),
            noProcesses ? null : processes ?? Running, heartbeat ?? Heartbeat());

    [Fact]
    public void A_healthy_agent_has_no_flags()
    {
        Assert.Empty(Classify());
    }

    [Fact]
    public void A_live_pane_without_the_runtime_is_drift()
    {
        Assert.Equal([AgentFlags.Drift], Classify(processes: ShellOnly));
    }

    [Fact]
    public void Without_process_facts_drift_is_not_decided()
    {
        Assert.Empty(Classify(noProcesses: true));
    }

    [Fact]
    public void A_dead_pane_is_pane_dead_not_drift()
    {
        Assert.Equal([AgentFlags.PaneDead], Classify(pane: Pane(dead: true, status: 3), processes: ShellOnly));
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("enabled-runtime")]
    [InlineData("linked")]
    [InlineData("linked-runtime")]
    [InlineData("masked")]
    [InlineData("masked-runtime")]
    [InlineData("transient")]
    [InlineData("bad")]
    public void An_active_unit_whose_file_state_does_not_survive_a_reboot_is_boot_enable(string state)
    {
        Assert.Equal([AgentFlags.BootEnable], Classify(unit: Unit(fileState: state)));
    }

    [Theory]
    [InlineData("enabled")]
    [InlineData("static")]
    [InlineData("indirect")]
    [InlineData("generated")]
    [InlineData("alias")]
    [InlineData(null)]
    public void An_active_unit_that_starts_at_boot_or_of_unknown_file_state_is_not_boot_enable(string? state)
    {
        Assert.Empty(Classify(unit: Unit(fileState: state)));
    }

    [Fact]
    public void A_user_unit_without_linger_is_boot_enable()
    {
        Assert.Equal([AgentFlags.BootEnable], Classify(linger: false));
    }

    [Fact]
    public void Unknown_linger_raises_nothing()
    {
        Assert.Empty(Classify(linger: null));
    }

    [Fact]
    public void A_system_unit_does_not_need_linger()
    {
        Assert.Empty(Classify(linger: false, scope: SystemdScope.System));
        Assert.Equal([AgentFlags.BootEnable], Classify(unit: Unit(fileState: "disabled"), linger: null, scope: SystemdScope.System));
    }

    [Fact]
    public void An_inactive_unit_is_down_but_not_boot_enable()
    {
        Assert.Equal([AgentFlags.Down], Classify(unit: Unit(active: "inactive", fileState: "disabled"), linger: false));
    }

    [Theory]
    [InlineData("inactive")]
    [InlineData("failed")]
    [InlineData("activating")]
    [InlineData("deactivating")]
    public void A_unit_neither_active_nor_reloading_is_down(string state)
    {
        Assert.Contains(AgentFlags.Down, Classify(unit: Unit(active: state)));
    }

    [Fact]
    public void A_reloading_unit_is_up()
    {
        Assert.Empty(Classify(unit: Unit(active: "reloading")));
    }

    [Fact]
    public void A_unit_that_does_not_exist_is_down()
    {
        Assert.Equal([AgentFlags.Down], Classify(unit: Unit(active: "inactive", fileState: null, load: "not-found")));
    }

    [Fact]
    public void Unknown_unit_facts_raise_neither_down_nor_boot_enable()
    {
        Assert.Empty(Classify(noUnit: true, linger: false));
    }

    [Fact]
    public void A_missing_session_is_no_session_when_tmux_answered()
    {
        Assert.Equal([AgentFlags.NoSession], Classify(noPane: true, noProcesses: true));
    }

    [Fact]
    public void A_missing_session_is_not_flagged_when_tmux_failed()
    {
        Assert.Empty(Classify(noPane: true, noProcesses: true, tmuxKnown: false));
    }

    [Fact]
    public void Each_heartbeat_state_has_its_flag()
    {
        Assert.Equal([AgentFlags.HeartbeatStale], Classify(heartbeat: Heartbeat(ageSeconds: 90.5)));
        Assert.Equal([AgentFlags.HeartbeatMissing], Classify(heartbeat: Heartbeat(HeartbeatState.Missing)));
        Assert.Equal([AgentFlags.HeartbeatInvalid], Classify(heartbeat: Heartbeat(HeartbeatState.Invalid)));
        Assert.Empty(Classify(heartbeat: Heartbeat(ageSeconds: 90)));
    }

    [Fact]
    public void Flags_come_in_the_documented_order()
    {
        var flags = Classify(unit: Unit(active: "inactive"), noPane: true, noProcesses: true, heartbeat: Heartbeat(HeartbeatState.Missing));

        Assert.Equal([AgentFlags.Down, AgentFlags.NoSession, AgentFlags.HeartbeatMissing], flags);
        Assert.Equal(["DRIFT", "BOOT-ENABLE", "DOWN", "NO-SESSION", "PANE-DEAD", "HB-STALE", "HB-MISSING", "HB-INVALID"], AgentFlags.All);
    }
}
