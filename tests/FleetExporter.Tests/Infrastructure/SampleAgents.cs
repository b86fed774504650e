using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>Joined agents in the shapes the front ends must tell apart, for the pure presentation tests.</summary>
public static class SampleAgents
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static AgentStatus Healthy(string name, string runtime = "claude", string paneCommand = "bash") =>
        Agent(name, runtime, Pane(name, paneCommand), new PaneProcesses(new RuntimeProcess(4242, paneCommand, 1 << 20, 1, Now), ["bash", "node"]), [])
            with { State = new AgentState(AgentStateName.Working, Now, StateSource.Hook, "PreToolUse") };

    public static AgentStatus Drifted(string name, string instead = "bash") =>
        Agent(name, "claude", Pane(name, instead), new PaneProcesses(null, [instead, "sleep"]), [AgentFlags.Drift]);

    public static AgentStatus Waiting(string name) =>
        Healthy(name) with { State = new AgentState(AgentStateName.Waiting, Now, StateSource.Hook, "PermissionRequest") };

    public static AgentStatus Down(string name) =>
        Agent(name, "claude", null, null, [AgentFlags.Down, AgentFlags.NoSession], unit: Unit(name, "failed"), sessionPresent: false);

    public static AgentStatus DeadPane(string name) =>
        Agent(name, "claude", Pane(name, "claude") with { Dead = true, DeadStatus = 3 }, null, [AgentFlags.PaneDead]);

    /// <summary>Its unit could not be read (systemd failed): not healthy, not flagged.</summary>
    public static AgentStatus UnitUnknown(string name) => Healthy(name) with { Unit = null };

    public static FleetSnapshot Snapshot(params AgentStatus[] agents) =>
        new(Now, RosterLoader.Parse("host: glance-host\nagents: []\n", "(test)"), agents, [new SourceHealth("tmux", true, null, TimeSpan.FromMilliseconds(3))], TimeSpan.FromMilliseconds(9));

    private static AgentStatus Agent(string name, string runtime, TmuxPane? pane, PaneProcesses? processes, IReadOnlyList<string> flags,
        UnitFacts? unit = null, bool sessionPresent = true) =>
        new(new AgentSpec(name, runtime, $"fleet-agent@{name}.service", name, "acme", TimeSpan.FromSeconds(30), 1), "glance-host",
            unit ?? Unit(name, "active"), true, sessionPresent, pane, processes,
            new HeartbeatReading(HeartbeatState.Ok, $"/run/{name}.hb", null, Now, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30), 1, 4242, null),
            TimeSpan.FromSeconds(12), flags);

    private static UnitFacts Unit(string name, string active) =>
        new($"fleet-agent@{name}.service", "loaded", active, active == "active" ? "exited" : "dead", "enabled", Now, null, 0);

    private static TmuxPane Pane(string name, string command) =>
        new(name, "%1", 4200, command, false, null, Now, "/dev/pts/3", 200, 50);
}
