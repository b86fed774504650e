using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Fleet;

/// <summary>A source that fails costs only its own facts; the rest of the join is still reported.</summary>
[Collection(SystemdCollection.Name)]
public sealed class FailingSourceTests(SystemdUserManager systemd)
{
    private const int Timeout = 60_000;

    private static FleetJoin Join(SystemdSource? systemdSource = null, TmuxSource? tmux = null) =>
        new(systemdSource ?? new SystemdSource(TimeProvider.System), tmux ?? new TmuxSource(), new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System);

    private static string Executable(TestFleet fleet, string name, string body)
    {
        var path = fleet.Dir.Write(name, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task<TestFleet> RunningFleetAsync(SystemdUserManager systemd)
    {
        var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("a1", "exec sleep 1000");
        await fleet.EnableAsync("a1");
        await fleet.StartAsync("a1");
        await fleet.WaitForRuntimeAsync("a1");
        return fleet;
    }

    [Fact(Timeout = Timeout)]
    public async Task A_missing_tmux_leaves_only_tmux_facts_unknown()
    {
        await using var fleet = await RunningFleetAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("a1"));
        await fleet.BeatAsync("a1");

        var snapshot = await Join(tmux: new TmuxSource("/nonexistent/tmux")).CollectAsync(roster);

        var tmux = snapshot.Source(TmuxSource.Name)!;
        Assert.False(tmux.Ok);
        Assert.Contains("/nonexistent/tmux", tmux.Error);
        var a = Assert.Single(snapshot.Agents);
        Assert.Null(a.SessionPresent);
        Assert.Null(a.Pane);
        Assert.Null(a.Processes);
        Assert.Empty(a.Flags);
        Assert.Equal("active", a.Unit!.ActiveState);
        Assert.Equal(HeartbeatState.Ok, a.Heartbeat.State);
        Assert.True(snapshot.Source(SystemdSource.Name)!.Ok);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_tmux_that_errors_is_a_failure_with_its_message()
    {
        await using var fleet = await RunningFleetAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("a1"));
        var broken = Executable(fleet, "tmux", "echo 'lost server' >&2; exit 1");

        var snapshot = await Join(tmux: new TmuxSource(broken)).CollectAsync(roster);

        Assert.Equal("tmux exited 1: lost server", snapshot.Source(TmuxSource.Name)!.Error);
        Assert.Null(snapshot.Agents[0].SessionPresent);
        Assert.DoesNotContain(AgentFlags.NoSession, snapshot.Agents[0].Flags);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_systemctl_that_hangs_times_out_and_leaves_only_systemd_facts_unknown()
    {
        await using var fleet = await RunningFleetAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("a1"));
        var hanging = Executable(fleet, "systemctl", "sleep 30");
        var watch = Stopwatch.StartNew();

        var snapshot = await Join(systemdSource: new SystemdSource(TimeProvider.System, hanging, TimeSpan.FromMilliseconds(500))).CollectAsync(roster);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the join took {watch.Elapsed}");
        var sd = snapshot.Source(SystemdSource.Name)!;
        Assert.False(sd.Ok);
        Assert.Contains("did not finish within 0.5 s", sd.Error);
        var a = snapshot.Agents[0];
        Assert.Null(a.Unit);
        Assert.Null(a.Linger);
        Assert.DoesNotContain(AgentFlags.Down, a.Flags);
        Assert.DoesNotContain(AgentFlags.BootEnable, a.Flags);
        Assert.True(a.SessionPresent);
        Assert.NotNull(a.Processes!.Runtime);
        Assert.Equal([AgentFlags.HeartbeatMissing], a.Flags);
    }

    [Fact(Timeout = Timeout)]
    public async Task No_user_manager_is_a_systemd_failure_that_says_why()
    {
        await using var fleet = await RunningFleetAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("a1"));
        var systemctl = (await ProcessRunnerWhich("systemctl"))!;
        var noManager = Executable(fleet, "systemctl", $"XDG_RUNTIME_DIR={fleet.Dir.Path}/nothing DBUS_SESSION_BUS_ADDRESS= exec {systemctl} \"$@\"");

        var snapshot = await Join(systemdSource: new SystemdSource(TimeProvider.System, noManager)).CollectAsync(roster);

        var sd = snapshot.Source(SystemdSource.Name)!;
        Assert.False(sd.Ok);
        Assert.StartsWith("systemctl exited 1: ", sd.Error);
        Assert.Contains("bus", sd.Error);
        Assert.Null(snapshot.Agents[0].Unit);
        Assert.True(snapshot.Agents[0].SessionPresent);
        Assert.True(snapshot.Source(TmuxSource.Name)!.Ok);
    }

    [Fact(Timeout = Timeout)]
    public async Task Only_unreadable_proc_leaves_process_facts_unknown()
    {
        await using var fleet = await RunningFleetAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("a1"));
        var join = new FleetJoin(new SystemdSource(TimeProvider.System), new TmuxSource(), new ProcessSource("/nonexistent/proc"),
            new HeartbeatSource(TimeProvider.System), TimeProvider.System);

        var snapshot = await join.CollectAsync(roster);

        Assert.False(snapshot.Source(ProcessSource.Name)!.Ok);
        var a = snapshot.Agents[0];
        Assert.Null(a.Processes);
        Assert.DoesNotContain(AgentFlags.Drift, a.Flags);
        Assert.True(a.SessionPresent);
        Assert.Equal("active", a.Unit!.ActiveState);
    }

    private static async Task<string?> ProcessRunnerWhich(string program)
    {
        var r = await FleetExporter.Subprocess.ProcessRunner.RunAsync("sh", ["-c", $"command -v {program}"]);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }
}
