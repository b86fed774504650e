using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Tmux;

namespace FleetExporter.Fleet;

/// <summary>
/// What one agent's facts say, read the same way wherever they are read: <c>ps</c>, the exporter and <c>send</c>
/// all decide an agent's runtime and state here, so they can never disagree on <c>waiting</c> (a dialog) or
/// <c>stopped</c> (the runtime gone). <see cref="SessionPresent"/>: null when tmux could not be asked.
/// <see cref="Inspected"/>: the pane's process tree as the matcher found it (null when not read).
/// </summary>
public sealed record AgentFacts(
    bool? SessionPresent,
    TmuxPane? Pane,
    PaneProcesses? Inspected,
    HeartbeatReading Heartbeat,
    PaneVerdict? Screen);

/// <summary>
/// The decision: the pane's processes when they decide the runtime (else null, with <see cref="RuntimeUnknown"/>
/// saying why), whether the runtime runs, why it is gone, and the state.
/// </summary>
public sealed record AgentDecided(PaneProcesses? Processes, string? RuntimeUnknown, bool? RuntimeRunning, string? Gone, AgentState State);

public static class AgentDecision
{
    public static AgentDecided Decide(AgentFacts facts, AgentState? previous, DateTimeOffset now)
    {
        var inspected = facts.Inspected;
        // A pane its unit has just started, whose wrapper has not started the runtime yet, is not DRIFT (not yet).
        if (inspected is { Runtime: null, Undecided: null } && facts.Pane is { } pane && StartBeat.Starting(facts.Heartbeat, pane.PanePid) is { } starting)
            inspected = inspected with { Undecided = starting };
        // A runtime that could not be told is unknown, as if the processes source had failed for this agent alone.
        var processes = inspected?.Decided;
        var running = RuntimeRunning(facts.SessionPresent, facts.Pane, processes);
        var gone = Gone(facts.SessionPresent, facts.Pane, processes);
        var evidence = new StateEvidence(facts.Heartbeat.Hook, facts.Heartbeat.Timestamp, running, processes?.Runtime?.StartTime, gone,
            facts.Screen, facts.Pane?.LastActivity);
        return new AgentDecided(processes, inspected?.Undecided, running, gone, AgentStateResolver.Resolve(evidence, previous, now));
    }

    /// <summary>Null when the sources that tell failed.</summary>
    private static bool? RuntimeRunning(bool? sessionPresent, TmuxPane? pane, PaneProcesses? processes) => sessionPresent switch
    {
        null => null,
        false => false,
        true when pane is null or { Dead: true } => false,
        _ => processes is null ? null : processes.Runtime is not null,
    };

    private static string? Gone(bool? sessionPresent, TmuxPane? pane, PaneProcesses? processes) => sessionPresent switch
    {
        false => "no tmux session",
        true when pane is null or { Dead: true } => "the pane is dead",
        true when processes is { Runtime: null } => "the runtime is not in the pane (" + string.Join(" ", processes.TreeCommands) + ")",
        _ => null,
    };
}
