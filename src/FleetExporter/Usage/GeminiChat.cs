using System.Text.Json;
using static FleetExporter.Usage.TranscriptJson;

namespace FleetExporter.Usage;

/// <summary>
/// Gemini CLI's chat record (<c>~/.gemini/tmp/&lt;project&gt;/chats/session-*.jsonl</c>): each <c>"type":"gemini"</c>
/// line carries its <c>model</c> and <c>tokens</c> (<c>input</c> with <c>cached</c> inside it, <c>output</c>,
/// <c>thoughts</c>, <c>tool</c>). A message rewritten under the same <c>id</c> as it grows adds only what it grew by
/// (<see cref="UsageTotals.Add"/>). <c>$set</c> lines (the history set whole, as on a resume) are not counted: their
/// messages were counted when first written.
/// </summary>
public static class GeminiChat
{
    public static ModelResponse? Parse(ReadOnlySpan<byte> line) => Object(line, "\"gemini\""u8, "\"tokens\""u8, root =>
    {
        if (TextOf(root, "type") != "gemini" || ObjectOf(root, "tokens") is not { } tokens) return null;
        var cached = Count(tokens, "cached");
        // Disjoint kinds: the prompt holds its cached tokens; tool-use prompt tokens are input too.
        var input = Math.Max(0, Count(tokens, "input") - cached) + Count(tokens, "tool");
        return new ModelResponse(Id(TextOf(root, "id")), Model(TextOf(root, "model") ?? "unknown"), input, Count(tokens, "output"), cached, 0, Count(tokens, "thoughts"));
    });
}
