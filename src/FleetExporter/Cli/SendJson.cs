using System.Text.Json.Serialization;
using FleetExporter.Agents.State;
using FleetExporter.Operator;
using FleetExporter.Sources.Journal;

namespace FleetExporter.Cli;

/// <summary>
/// <c>send --json</c>: the verdict (<c>sent</c> without --verify; else <c>acknowledged</c>, <c>accepted</c>,
/// <c>draft</c>, <c>unverifiable</c> or <c>unknown</c>; <c>not_ready</c> and <c>failed</c> when nothing was typed),
/// the agent's state before the send, and the evidence. <see cref="Target"/> is the agent's pane id (<c>%N</c>).
/// </summary>
public sealed record SendJson(
    string Agent,
    string Session,
    string Target,
    string Verdict,
    string Reason,
    bool Verified,
    int ExitCode,
    bool TextTyped,
    StateBeforeJson? StateBefore,
    string? PromptId,
    double EnterDelayMs,
    double? VerifyTimeoutMs,
    int Polls,
    double? ElapsedMs,
    PaneJson? Before,
    PaneJson? After)
{
    public static SendJson From(string agent, string session, string pane, SendReport r, bool verified, int code, int delayMs, int? timeoutMs) =>
        new(agent, session, pane, r.Verdict.Label(), r.Reason, verified, code, r.TextTyped,
            r.Readiness is { } ready ? new StateBeforeJson(ready.State.NameLabel, ready.State.Source is { } s ? AgentState.Label(s) : null, ready.State.Reason,
                ready.Screen is { } screen ? AgentState.Label(screen.State) : null, ready.Mode) : null,
            r.Verified?.Acknowledged?.Id, delayMs, timeoutMs, r.Verified?.Polls ?? 0,
            r.Verified is { } v ? Math.Round(v.Elapsed.TotalMilliseconds) : null,
            PaneJson.From(r.Verified?.Before), PaneJson.From(r.Verified?.After));
}

/// <summary>What `send` decided from before typing: the agent's state (and its source), what its screen showed, the pane's mode.</summary>
public sealed record StateBeforeJson(string Name, string? Source, string? Reason, string? Screen, string? PaneMode);

/// <summary>One pane snapshot: its visible text, its tty and the bytes still unread in it (null: unknown).</summary>
public sealed record PaneJson(string Text, string Tty, int? TtyQueuedBytes, string? TtyQueueProblem, DateTimeOffset At)
{
    public static PaneJson? From(PaneSnapshot? s) => s is null ? null : new(s.Text, s.Tty, s.QueuedBytes, s.QueueProblem, s.At);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SendJson))]
public sealed partial class SendJsonContext : JsonSerializerContext;
