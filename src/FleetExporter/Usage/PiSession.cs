using System.Text.Json;
using static FleetExporter.Usage.TranscriptJson;

namespace FleetExporter.Usage;

/// <summary>
/// pi's session file (<c>~/.pi/agent/sessions/&lt;cwd&gt;/&lt;time&gt;_&lt;id&gt;.jsonl</c>): each <c>"type":"message"</c>
/// line whose message has <c>role</c> assistant carries its <c>model</c>, <c>responseId</c> and <c>usage</c>
/// (<c>input</c>, <c>output</c>, <c>cacheRead</c>, <c>cacheWrite</c>, and pi's own <c>cost.total</c> in USD, which is
/// used instead of a price when pi knows one).
/// </summary>
public static class PiSession
{
    public static ModelResponse? Parse(ReadOnlySpan<byte> line) => Object(line, "\"assistant\""u8, "\"usage\""u8, root =>
    {
        if (TextOf(root, "type") != "message" || ObjectOf(root, "message") is not { } message || TextOf(message, "role") != "assistant") return null;
        if (ObjectOf(message, "usage") is not { } usage) return null;
        // A request that failed (the API answered an error) is written as an assistant message with no tokens: no response.
        if (Failed(message) && new[] { "input", "output", "cacheRead", "cacheWrite" }.All(k => Count(usage, k) == 0)) return null;
        var cost = ObjectOf(usage, "cost") is { } c && c.TryGetProperty("total", out var t) && t.ValueKind == JsonValueKind.Number
                   && t.TryGetDouble(out var usd) && usd > 0 && double.IsFinite(usd) ? usd : (double?)null;
        return new ModelResponse(Id(TextOf(message, "responseId") ?? TextOf(root, "id")), Model(TextOf(message, "model") ?? "unknown"),
            Count(usage, "input"), Count(usage, "output"), Count(usage, "cacheRead"), Count(usage, "cacheWrite")) { RecordedCostUsd = cost };
    });

    /// <summary>An assistant message that ended on an error (<c>stopReason</c> <c>error</c>, with pi's <c>errorMessage</c>).</summary>
    public static bool Failed(JsonElement message) => TextOf(message, "stopReason") == "error";
}
