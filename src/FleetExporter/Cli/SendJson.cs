using System.Text.Json.Serialization;
using FleetExporter.Operator;

namespace FleetExporter.Cli;

/// <summary>
/// <c>send --json</c>: the verdict (<c>sent</c> without --verify, else <c>accepted</c>, <c>draft</c> or
/// <c>unverifiable</c>) and the pane evidence it rests on. <see cref="Target"/> is the agent's pane id (<c>%N</c>).
/// </summary>
public sealed record SendJson(
    string Agent,
    string Session,
    string Target,
    string Verdict,
    string Reason,
    bool Verified,
    int ExitCode,
    double EnterDelayMs,
    double? VerifyTimeoutMs,
    int Polls,
    double? ElapsedMs,
    PaneJson? Before,
    PaneJson? After);

/// <summary>One pane snapshot: its visible text, its tty and the bytes still unread in it (null: unknown).</summary>
public sealed record PaneJson(string Text, string Tty, int? TtyQueuedBytes, string? TtyQueueProblem, DateTimeOffset At)
{
    public static PaneJson? From(PaneSnapshot? s) => s is null ? null : new(s.Text, s.Tty, s.QueuedBytes, s.QueueProblem, s.At);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SendJson))]
public sealed partial class SendJsonContext : JsonSerializerContext;
