using System.Text.Json;
using FleetExporter.Agents.State;

namespace FleetExporter.Heartbeats;

/// <summary>
/// The hook fields of a v1 heartbeat (docs/heartbeat-protocol.md). They are optional and additive: a file without
/// them is a plain heartbeat, and a field of the wrong type is ignored rather than invalidating the heartbeat, so a
/// newer writer never turns an agent HB-INVALID for an older reader.
/// </summary>
public static class HookReportJson
{
    public static void Write(Utf8JsonWriter json, HookReport report)
    {
        if (report.State != AgentStateName.Unknown) json.WriteString("state", AgentState.Label(report.State));
        if (report.Since is { } since) json.WriteNumber("state_since", Unix(since));
        if (report.Runtime is not null) json.WriteString("runtime", report.Runtime);
        if (report.Event is not null) json.WriteString("event", report.Event);
        if (report.EventDetail is not null) json.WriteString("event_detail", report.EventDetail);
        if (report.SessionId is not null) json.WriteString("session_id", report.SessionId);
        if (report.Prompt is { } p)
        {
            if (p.Id is not null) json.WriteString("prompt_id", p.Id);
            json.WriteString("prompt_sha256", p.Sha256);
            json.WriteNumber("prompt_bytes", p.Bytes);
            if (p.At is { } at) json.WriteNumber("prompt_ts", Unix(at));
        }
        if (report.Subagents.Count > 0)
        {
            json.WriteStartArray("subagents");
            foreach (var id in report.Subagents) json.WriteStringValue(id);
            json.WriteEndArray();
        }
    }

    /// <summary>The report in a heartbeat object, or null when the file carries no hook fields.</summary>
    public static HookReport? Read(JsonElement root)
    {
        var state = AgentState.Parse(String(root, "state"));
        var evt = String(root, "event");
        var sha = String(root, "prompt_sha256");
        if (state is null && evt is null && sha is null) return null;
        var prompt = sha is null ? null : new PromptReport(String(root, "prompt_id"), sha, Long(root, "prompt_bytes") ?? 0, Time(root, "prompt_ts"));
        return new HookReport(state ?? AgentStateName.Unknown, Time(root, "state_since"), String(root, "runtime"), evt,
            String(root, "event_detail"), String(root, "session_id"), prompt) { Subagents = Strings(root, "subagents") };
    }

    private static IReadOnlyList<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(Text).OfType<string>().Select(e => Cut(e)!).Take(HookReport.MaxSubagents).ToList()
            : [];

    private static double Unix(DateTimeOffset t) => Math.Round(t.ToUnixTimeMilliseconds() / 1000.0, 3);

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? Cut(Text(v)) : null;

    /// <summary>
    /// A JSON string as text, or null for another type or a string UTF-16 cannot hold (a lone surrogate, "\ud800",
    /// as JavaScript writes one): such a field is ignored like one of the wrong type, never fatal to the file.
    /// </summary>
    public static string? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) return null;
        try { return value.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    private static long? Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var s) && s > 0 && s < 1e11
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000))
            : null;

    /// <summary>Ids and names are short; a long one is cut so a bad writer cannot bloat every collection.</summary>
    private static string? Cut(string? s) => s is { Length: > 200 } ? s[..200] : s;
}
