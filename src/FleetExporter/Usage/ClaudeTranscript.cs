using System.Text.Json;

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
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") != "assistant") return null;
            if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object) return null;
            if (!message.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object) return null;
            var model = Text(message, "model");
            if (model is null or SyntheticModel) return null;
            return new ModelResponse(Text(message, "id") ?? Text(root, "requestId"), Cut(model),
                Count(usage, "input_tokens"), Count(usage, "output_tokens"),
                Count(usage, "cache_read_input_tokens"), Count(usage, "cache_creation_input_tokens"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A count the transcript gives; anything else (missing, negative, not a whole number) counts nothing.</summary>
    private static long Count(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0 ? n : 0;

    /// <summary>A model name is a label value: a long one is cut.</summary>
    private static string Cut(string model) => model.Length > 100 ? model[..100] : model;
}
