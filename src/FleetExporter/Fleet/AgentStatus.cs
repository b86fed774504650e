using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Journal;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;

namespace FleetExporter.Fleet;

/// <summary>
/// One roster agent joined across every source. Always present, even when nothing about it was found; a null
/// fact with its source in <see cref="FleetSnapshot.Sources"/> failing means "unknown", not "absent".
/// </summary>
public sealed record AgentStatus(
    AgentSpec Spec,
    string Host,
    UnitFacts? Unit,
    bool? Linger,
    bool? SessionPresent,
    TmuxPane? Pane,
    PaneProcesses? Processes,
    HeartbeatReading Heartbeat,
    TimeSpan? Idle,
    IReadOnlyList<string> Flags)
{
    /// <summary>What the agent is doing (hooks, else its screen); unknown until the join has decided.</summary>
    public AgentState State { get; init; } = AgentState.Unknown;

    /// <summary>What the agent's screen showed, when its runtime has screen patterns and the screen was read.</summary>
    public PaneVerdict? Screen { get; init; }
}

/// <summary>Everything one collection saw.</summary>
public sealed record FleetSnapshot(
    DateTimeOffset At,
    FleetRoster Roster,
    IReadOnlyList<AgentStatus> Agents,
    IReadOnlyList<SourceHealth> Sources,
    TimeSpan Duration)
{
    public SourceHealth? Source(string name) => Sources.FirstOrDefault(s => s.Source == name);

    /// <summary>Sends per agent and verdict from the send journal; null when the journal could not be read.</summary>
    public SendCounts? Sends { get; init; }
}
