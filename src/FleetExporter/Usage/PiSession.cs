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
    public static ModelResponse? Parse(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("\"assistant\""u8) < 0 || line.IndexOf("\"usage\""u8) < 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || TextOf(root, "type") != "message") return null;
            if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object || TextOf(message, "role") != "assistant") return null;
            if (!message.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object) return null;
            var cost = usage.TryGetProperty("cost", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("total", out var t)
                       && t.ValueKind == JsonValueKind.Number && t.TryGetDouble(out var usd) && usd > 0 && double.IsFinite(usd) ? usd : (double?)null;
            return new ModelResponse(Id(TextOf(message, "responseId") ?? TextOf(root, "id")), Model(TextOf(message, "model") ?? "unknown"),
                Count(usage, "input"), Count(usage, "output"), Count(usage, "cacheRead"), Count(usage, "cacheWrite")) { RecordedCostUsd = cost };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }
}
