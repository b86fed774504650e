using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetExporter.Tests.Agents;

/// <summary>
/// Hook payloads shaped like the ones each runtime was seen to send (shared/ENVIRONMENT.md, "The real coding agents"):
/// the common fields every event of that runtime carries, plus the event's own.
/// </summary>
public static class HookPayloads
{
    public const string ClaudeSession = "5d3c1a2e-7b6f-4c1e-9a0d-2f8e6b4c1d00";
    public const string CodexSession = "0199a3f2-6c1d-7e42-b1a8-3c5d9e7f0a12";
    public const string GeminiSession = "c0ffee00-1234-4abc-8def-0123456789ab";

    public static string Claude(string eventName, object? extra = null) => Json(new
    {
        session_id = ClaudeSession,
        transcript_path = "/home/agent/.claude/projects/-work-repo/" + ClaudeSession + ".jsonl",
        cwd = "/work/repo",
        hook_event_name = eventName,
    }, extra);

    public static string Codex(string eventName, object? extra = null) => Json(new
    {
        session_id = CodexSession,
        transcript_path = "/home/agent/.codex/sessions/2026/11/27/rollout-" + CodexSession + ".jsonl",
        cwd = "/work/repo",
        hook_event_name = eventName,
        model = "gpt-5-codex",
        permission_mode = "default",
        turn_id = "turn-7",
    }, extra);

    public static string Gemini(string eventName, object? extra = null) => Json(new
    {
        session_id = GeminiSession,
        transcript_path = "/home/agent/.gemini/tmp/abc/chats/session.json",
        cwd = "/work/repo",
        hook_event_name = eventName,
        timestamp = "2026-11-27T10:00:00.000Z",
    }, extra);

    /// <summary>pi has no session id in what the extension forwards: the event's payload plus hook_event_name.</summary>
    public static string Pi(string eventName, object? extra = null) => Json(new { hook_event_name = eventName, type = eventName }, extra);

    /// <summary>Extra fields: an object, or a JSON object as text.</summary>
    public static string For(string runtime, string eventName, object? extra = null) => runtime switch
    {
        "claude" => Claude(eventName, extra),
        "codex" => Codex(eventName, extra),
        "gemini" => Gemini(eventName, extra),
        "pi" => Pi(eventName, extra),
        _ => throw new ArgumentException(runtime),
    };

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static string Json(object common, object? extra)
    {
        // Raw UTF-8, as the runtimes send it (no \u escapes for non-ASCII text).
        var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var node = JsonSerializer.SerializeToNode(common, options)!.AsObject();
        if (extra is not null)
            foreach (var (k, v) in (extra is string text ? JsonNode.Parse(text)! : JsonSerializer.SerializeToNode(extra, options)!).AsObject().ToList())
                node[k] = v?.DeepClone();
        return node.ToJsonString(options);
    }
}
