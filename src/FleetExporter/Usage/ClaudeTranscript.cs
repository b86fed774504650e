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
    public static ModelResponse? Parse(ReadOnlySpan<byte> line) => Object(line, "\"assistant\""u8, "\"usage\""u8, root =>
        TextOf(root, "type") == "assistant" && ObjectOf(root, "message") is { } message && ObjectOf(message, "usage") is { } usage
        && TextOf(message, "model") is { } model and not SyntheticModel
            ? new ModelResponse(Id(TextOf(message, "id") ?? TextOf(root, "requestId")), Model(model),
                Count(usage, "input_tokens"), Count(usage, "output_tokens"),
                Count(usage, "cache_read_input_tokens"), Count(usage, "cache_creation_input_tokens"))
            : null);
}
