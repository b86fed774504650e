using System.Text.Json;
using static FleetExporter.Usage.TranscriptJson;

namespace FleetExporter.Usage;

/// <summary>Reads one transcript line: what it says happened that the hooks do not tell (a tool call denied, an API error), or none.</summary>
public delegate IReadOnlyList<TranscriptEvent> TranscriptEventParser(ReadOnlySpan<byte> line);

/// <summary>One thing a transcript line says happened, with the runtime's id for it, so that a line rewritten or repeated counts once.</summary>
public sealed record TranscriptEvent(UsageEvent Event, string? Id);

/// <summary>
/// What each runtime's transcript says about tool calls and API errors, where its hooks say nothing (docs/usage.md,
/// "Turns, tool calls and API errors"). Each signal was seen from the real runtime (tests/FleetExporter.Tests/Usage/Fixtures):
/// a thing one source counts is never counted from the other.
/// </summary>
public static class TranscriptEvents
{
    public static readonly TranscriptEventParser None = _ => [];

    /// <summary>
    /// Claude Code: a tool call the user rejected at its permission prompt is a <c>"type":"user"</c> line carrying
    /// <c>toolDenialKind</c> (<c>"user-rejected"</c>) beside the <c>tool_result</c>. (No hook fires for it; API errors
    /// come from its <c>StopFailure</c> hook.)
    /// </summary>
    public static IReadOnlyList<TranscriptEvent> Claude(ReadOnlySpan<byte> line) => Object(line, "\"toolDenialKind\""u8, "\"user\""u8, root =>
        TextOf(root, "type") == "user" && TextOf(root, "toolDenialKind") is { Length: > 0 }
            ? One(UsageEvent.ToolDenied, ToolUseId(root) ?? TextOf(root, "uuid"))
            : null) ?? [];

    /// <summary>
    /// Codex: a command the user declined at its approval prompt gets the output <c>aborted by user</c> (or
    /// <c>... rejected by user</c>) as its last line; a command interrupted while it ran reads <c>aborted by user after
    /// N s</c> and is no denial. A turn that failed on an API error ends with an <c>event_msg</c> <c>task_complete</c>
    /// that carries <c>error</c> (no Stop hook fires for it).
    /// </summary>
    public static IReadOnlyList<TranscriptEvent> Codex(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("_call_output\""u8) >= 0)
            return Object(line, "\"payload\""u8, "by user"u8, root =>
                ObjectOf(root, "payload") is { } p && TextOf(p, "type") is "function_call_output" or "custom_tool_call_output"
                && TextOf(p, "output") is { } output && Declined(output)
                    ? One(UsageEvent.ToolDenied, TextOf(p, "call_id"))
                    : null) ?? [];
        return Object(line, "\"task_complete\""u8, "\"error\""u8, root =>
            TextOf(root, "type") == "event_msg" && ObjectOf(root, "payload") is { } p && TextOf(p, "type") == "task_complete"
            && p.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? One(UsageEvent.ApiError, TextOf(p, "turn_id"))
                : null) ?? [];
    }

    /// <summary>
    /// Gemini CLI: a <c>"type":"gemini"</c> message lists its <c>toolCalls</c> once they ended, each with its
    /// <c>status</c>: <c>success</c>, <c>error</c>, or <c>cancelled</c> with the reason <c>User denied execution</c> when
    /// the user said no at the prompt (the message is rewritten under its id: each call counts once, by its id). An API
    /// error is a <c>"type":"error"</c> line whose content begins <c>[API Error</c>.
    /// </summary>
    public static IReadOnlyList<TranscriptEvent> Gemini(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("\"toolCalls\""u8) >= 0)
            return Object<IReadOnlyList<TranscriptEvent>>(line, "\"gemini\""u8, "\"status\""u8, root =>
                TextOf(root, "type") == "gemini" && root.TryGetProperty("toolCalls", out var calls) && calls.ValueKind == JsonValueKind.Array
                    ? [.. calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(GeminiCall).OfType<TranscriptEvent>()]
                    : null) ?? [];
        return Object(line, "\"error\""u8, "[API Error"u8, root =>
            TextOf(root, "type") == "error" && TextOf(root, "content") is { } content && content.StartsWith("[API Error", StringComparison.Ordinal)
                ? One(UsageEvent.ApiError, TextOf(root, "id"))
                : null) ?? [];
    }

    /// <summary>
    /// pi: a <c>toolResult</c> message says whether the call failed (<c>isError</c>; pi asks no permission, so none is
    /// denied); an assistant message whose <c>stopReason</c> is <c>error</c> is a request that failed (pi's extension
    /// events do not say).
    /// </summary>
    public static IReadOnlyList<TranscriptEvent> Pi(ReadOnlySpan<byte> line) => Object(line, "\"message\""u8, "\"role\""u8, root =>
    {
        if (TextOf(root, "type") != "message" || ObjectOf(root, "message") is not { } message) return null;
        return TextOf(message, "role") switch
        {
            "toolResult" => One(message.TryGetProperty("isError", out var e) && e.ValueKind == JsonValueKind.True ? UsageEvent.ToolFailed : UsageEvent.ToolSucceeded,
                TextOf(message, "toolCallId") ?? TextOf(root, "id")),
            "assistant" when PiSession.Failed(message) => One(UsageEvent.ApiError, TextOf(root, "id")),
            _ => null,
        };
    }) ?? [];

    private static TranscriptEvent? GeminiCall(JsonElement call) => TextOf(call, "status") switch
    {
        "success" => new(UsageEvent.ToolSucceeded, Id(TextOf(call, "id"))),
        "error" => new(UsageEvent.ToolFailed, Id(TextOf(call, "id"))),
        "cancelled" when call.TryGetProperty("result", out var result) && result.GetRawText().Contains("User denied", StringComparison.Ordinal)
            => new(UsageEvent.ToolDenied, Id(TextOf(call, "id"))),
        _ => null,
    };

    private static bool Declined(string output)
    {
        var last = output.TrimEnd()[(output.TrimEnd().LastIndexOf('\n') + 1)..];
        return last == "aborted by user" || last.EndsWith("rejected by user", StringComparison.Ordinal);
    }

    private static string? ToolUseId(JsonElement root) =>
        ObjectOf(root, "message") is { } m && m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object).Select(b => TextOf(b, "tool_use_id")).FirstOrDefault(id => id is not null)
            : null;

    private static IReadOnlyList<TranscriptEvent> One(UsageEvent e, string? id) => [new TranscriptEvent(e, Id(id))];
}
