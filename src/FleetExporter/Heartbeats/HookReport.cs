using FleetExporter.Agents.State;

namespace FleetExporter.Heartbeats;

/// <summary>The last prompt an agent's hook saw submitted: its id, and a SHA-256 of its text's UTF-8 bytes.</summary>
public sealed record PromptReport(string? Id, string Sha256, long Bytes, DateTimeOffset? At);

/// <summary>
/// What the agent's hooks last reported, as kept in its heartbeat file (docs/heartbeat-protocol.md, "State from
/// hooks"): the state its last event maps to, since when, the event itself, its session, and the last prompt.
/// </summary>
public sealed record HookReport(
    AgentStateName State,
    DateTimeOffset? Since,
    string? Runtime,
    string? Event,
    string? EventDetail,
    string? SessionId,
    PromptReport? Prompt)
{
    /// <summary>The ids of the subagents started and not yet ended (at most <see cref="MaxSubagents"/>): while any runs, the agent works.</summary>
    public IReadOnlyList<string> Subagents { get; init; } = [];

    public const int MaxSubagents = 32;

    public bool Equals(HookReport? other) =>
        other is not null && State == other.State && Since == other.Since && Runtime == other.Runtime && Event == other.Event
        && EventDetail == other.EventDetail && SessionId == other.SessionId && Prompt == other.Prompt && Subagents.SequenceEqual(other.Subagents);

    public override int GetHashCode() => HashCode.Combine(State, Since, Event, SessionId, Prompt, Subagents.Count);
}
