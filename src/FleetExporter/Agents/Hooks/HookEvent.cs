using System.Text;
using System.Text.Json;
using FleetExporter.Heartbeats;

namespace FleetExporter.Agents.Hooks;

/// <summary>A hook's stdin could not be read as an event; the hook logs why and still exits 0.</summary>
public sealed class HookPayloadException(string message) : Exception(message);

/// <summary>One hook event as the runtime sent it on stdin: its name, what qualifies it, its session and any prompt.</summary>
public sealed partial record HookEvent(string Name, string? Detail, string? SessionId, string? PromptText, string? PromptId)
{
    /// <summary>The subagent a SubagentStart or SubagentStop names (<c>agent_id</c>).</summary>
    public string? SubagentId { get; init; }

    /// <summary>
    /// The background tasks the runtime says still run (Claude Code's <c>background_tasks</c>, entries with
    /// <c>status: "running"</c>, by <c>id</c>), or null when the event does not say. It is the runtime's own list,
    /// so it also ends subagents that stopped without a SubagentStop (killed with ctrl+x ctrl+k).
    /// </summary>
    public IReadOnlyList<string>? BackgroundTasks { get; init; }

    /// <summary>The session's transcript, as every event of Claude Code, Codex and Gemini CLI names it (<c>transcript_path</c>).</summary>
    public string? TranscriptPath { get; init; }

    /// <summary>Larger payloads are not read whole: a prompt that size is refused by every runtime anyway.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    public static HookEvent Parse(ReadOnlySpan<byte> payload, RuntimeEventMap map)
    {
        if (payload.IsEmpty) throw new HookPayloadException("no event on stdin");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException e) { throw new HookPayloadException($"stdin is not JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new HookPayloadException("stdin is not a JSON object");
            var name = String(root, "hook_event_name") ?? throw new HookPayloadException("the event has no \"hook_event_name\"");
            var detail = RuntimeEventMap.DetailFields.Select(f => String(root, f)).FirstOrDefault(v => v is not null);
            var rule = map.Rule(name, detail);
            var prompt = rule is { SubmitsPrompt: true } ? String(root, map.PromptField) : null;
            var promptId = rule is { SubmitsPrompt: true } && map.PromptIdField is { } idField ? String(root, idField) : null;
            // What goes into the heartbeat is cut as its reader cuts it: a 64 KiB session id or event name made the
            // heartbeat too large to write, and the event was lost whole.
            (name, detail, promptId) = (Cut(name), detail is null ? null : Cut(detail), promptId is null ? null : Cut(promptId));
            var subagent = rule is { Subagent: not SubagentChange.None } && String(root, "agent_id") is { } agentId ? Cut(agentId) : null;
            return new HookEvent(name, detail, String(root, "session_id") is { } session ? Cut(session) : null, prompt, promptId)
            {
                SubagentId = subagent, BackgroundTasks = Running(root),
                TranscriptPath = String(root, "transcript_path") is { Length: > 0 and <= 4096 } transcript ? transcript : null,
            };
        }
    }

    /// <summary>
    /// The prompt's fingerprint: SHA-256 over the UTF-8 bytes of the text exactly as the hook payload carries it
    /// (JSON-decoded, nothing trimmed or normalised), lowercase hex. <c>send --verify</c> computes the same over what it sends.
    /// </summary>
    public static string Sha256Hex(string text) => Heartbeats.Sha256.Hex(text);

    /// <summary>
    /// The text the operator typed, for a prompt that is one long paste as Claude Code reports it (a paste over 800
    /// characters or 2 line breaks): <c>"\n\n&lt;pasted_content id="abcd"&gt;\n" + text + "\n&lt;/pasted_content id="abcd"&gt;\n"</c>
    /// gives <c>text</c>; any other prompt is itself.
    /// </summary>
    public static string Unwrapped(string prompt) =>
        WrappedPaste().Match(prompt) is { Success: true } m ? m.Groups["text"].Value : prompt;

    [System.Text.RegularExpressions.GeneratedRegex("""\A\n\n<pasted_content id="(?<id>[0-9a-f]{1,16})">\n(?<text>[\s\S]*)\n</pasted_content id="\k<id>">\n\z""")]
    private static partial System.Text.RegularExpressions.Regex WrappedPaste();

    private static IReadOnlyList<string>? Running(JsonElement root) =>
        root.TryGetProperty("background_tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Array
            ? tasks.EnumerateArray()
                .Where(t => t.ValueKind == JsonValueKind.Object && String(t, "status") == "running" && String(t, "id") is not null)
                .Select(t => Cut(String(t, "id")!)).Take(HookReport.MaxSubagents).ToList()
            : null;

    /// <summary>Ids are short; a long one is cut as the heartbeat's reader cuts it, so what is written can be matched when read back.</summary>
    private static string Cut(string s) => s.Length > 200 ? s[..200] : s;

    /// <summary>
    /// A string property, or null. A string JSON allows but UTF-16 cannot hold (a lone surrogate, as JavaScript's
    /// JSON.stringify writes one) is kept as its JSON text rather than losing the whole event: its fingerprint then
    /// matches nothing sent, and the event still moves the state.
    /// </summary>
    private static string? String(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var v) || v.ValueKind != JsonValueKind.String) return null;
        try { return v.GetString(); }
        catch (InvalidOperationException) { return v.GetRawText()[1..^1]; }
    }
}
