using System.Text.Json;
using static FleetExporter.Usage.TranscriptJson;

namespace FleetExporter.Usage;

/// <summary>
/// Claude Code's transcript (JSONL): each <c>"type":"assistant"</c> line carries <c>message.id</c>,
/// <c>message.model</c> and <c>message.usage</c> (<c>input_tokens</c>, <c>output_tokens</c>,
/// <c>cache_read_input_tokens</c>, <c>cache_creation_input_tokens</c>). One API response is written as one line per
/// content block, each repeating its id and usage (<see cref="UsageTotals.Add"/> counts it once). An API error is
/// written as an assistant line of model <c>&lt;synthetic&gt;</c>, which no model answered: not a response.
/// </summary>
public static class ClaudeTranscript
{
    public const string SyntheticModel = "<synthetic>";

    /// <summary>The response on this line, or null for any other line (a user turn, a summary, a line that is not JSON).</summary>
    public static ModelResponse? Parse(ReadOnlySpan<byte> line)
    {
        // Most lines are not responses, and some are megabytes of tool output: look before parsing.
        if (line.IndexOf("\"assistant\""u8) < 0 || line.IndexOf("\"usage\""u8) < 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || TextOf(root, "type") != "assistant") return null;
            if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object) return null;
            if (!message.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object) return null;
            var model = TextOf(message, "model");
            if (model is null or SyntheticModel) return null;
            return new ModelResponse(Id(TextOf(message, "id") ?? TextOf(root, "requestId")), Model(model),
                Count(usage, "input_tokens"), Count(usage, "output_tokens"),
                Count(usage, "cache_read_input_tokens"), Count(usage, "cache_creation_input_tokens"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }
}
