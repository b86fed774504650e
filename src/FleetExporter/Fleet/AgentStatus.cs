using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Journal;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tmux;

using FleetExporter.Sources.Usage;

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

    /// <summary>
    /// Why the runtime could not be told in a live pane (a roster pattern ran out of time), or null; when set,
    /// <see cref="Processes"/> is null: that agent's runtime facts are unknown, and nothing else is.
    /// </summary>
    public string? RuntimeUnknown { get; init; }

    /// <summary>What the agent spent, counted by its hooks from its transcripts (docs/usage.md); null when it has no usage file.</summary>
    public UsageReading? Usage { get; init; }
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

    /// <summary>Whether some fact is unknown: a source failed, or an agent's runtime or one of its flags could not be told.</summary>
    public bool HasUnknown =>
        Sources.Any(s => !s.Ok) || Agents.Any(a => a.RuntimeUnknown is not null || AgentFlags.Undecided(a).Count > 0);

    /// <summary>Sends per agent and verdict from the send journal; null when the journal could not be read.</summary>
    public SendCounts? Sends { get; init; }
}
