using System.Text.Json;
using static FleetExporter.Usage.TranscriptJson;

namespace FleetExporter.Usage;

/// <summary>
/// Codex's rollout (JSONL). A <c>turn_context</c> line names the turn's model; an <c>event_msg</c> line of
/// <c>"type":"token_count"</c> carries <c>info.total_token_usage</c>, the session's running totals
/// (<c>input_tokens</c> with <c>cached_input_tokens</c> and <c>cache_write_input_tokens</c> inside it,
/// <c>output_tokens</c> with <c>reasoning_output_tokens</c> inside it), <c>info.last_token_usage</c> (the last
/// request: its <c>input_tokens</c> is the context) and <c>info.model_context_window</c>. A response is what the
/// totals grew by since the last token_count: a token_count repeated with the same totals (a rate-limit update)
/// adds nothing, and totals that fell (another session's) are counted against zero. Its <c>rate_limits</c> (the
/// account's windows, when the API reports them) are kept as last reported.
/// </summary>
public static class CodexRollout
{
    public static ModelResponse? Parse(ReadOnlySpan<byte> line, TranscriptCursor cursor) =>
        line.IndexOf("\"turn_context\""u8) >= 0 || line.IndexOf("\"token_count\""u8) >= 0
            ? Object(line, "\"payload\""u8, "\"type\""u8, root => Read(root, cursor))
            : null;

    private static ModelResponse? Read(JsonElement root, TranscriptCursor cursor)
    {
        if (ObjectOf(root, "payload") is not { } payload) return null;
        var type = TextOf(root, "type");
        if (type == "turn_context")
        {
            if (TextOf(payload, "model") is { Length: > 0 } model) cursor.Model = Model(model);
            return null;
        }
        if (type != "event_msg" || TextOf(payload, "type") != "token_count") return null;
        if (RateLimits(root, payload) is { Count: > 0 } limits) cursor.RateLimits = limits;
        if (ObjectOf(payload, "info") is not { } info || ObjectOf(info, "total_token_usage") is not { } total) return null;
        var now = new CumulativeUsage(Count(total, "input_tokens"), Count(total, "output_tokens"), Count(total, "cached_input_tokens"),
            Count(total, "cache_write_input_tokens"), Count(total, "reasoning_output_tokens"));
        var before = cursor.Cumulative ?? CumulativeUsage.Zero;
        // Totals that fell in any kind are another session's: counted against zero.
        if (now.Input < before.Input || now.Output < before.Output || now.CacheRead < before.CacheRead
            || now.CacheWrite < before.CacheWrite || now.Reasoning < before.Reasoning) before = CumulativeUsage.Zero;
        cursor.Cumulative = now;
        if (now == before) return null;
        // Disjoint kinds: cached and cache-written tokens are part of the input, reasoning part of the output.
        var cacheRead = now.CacheRead - before.CacheRead;
        var cacheWrite = now.CacheWrite - before.CacheWrite;
        var reasoning = now.Reasoning - before.Reasoning;
        var input = Math.Max(0, now.Input - before.Input - cacheRead - cacheWrite);
        var output = Math.Max(0, now.Output - before.Output - reasoning);
        return new ModelResponse(null, cursor.Model ?? "unknown", input, output, cacheRead, cacheWrite, reasoning)
        {
            Context = ObjectOf(info, "last_token_usage") is { } last ? Count(last, "input_tokens") : input + cacheRead + cacheWrite,
            ContextWindow = Count(info, "model_context_window") is > 0 and var window ? window : null,
        };
    }

    /// <summary>
    /// <c>payload.rate_limits</c>: for each window, <c>used_percent</c>, <c>window_minutes</c> and <c>resets_at</c>
    /// (unix seconds; older releases wrote <c>resets_in_seconds</c>, counted from the line's <c>timestamp</c>).
    /// </summary>
    private static List<RateLimitWindow> RateLimits(JsonElement root, JsonElement payload)
    {
        var windows = new List<RateLimitWindow>();
        if (ObjectOf(payload, "rate_limits") is not { } limits) return windows;
        foreach (var name in RateLimitWindow.Names)
        {
            if (ObjectOf(limits, name) is not { } w || !w.TryGetProperty("used_percent", out var used) || used.ValueKind != JsonValueKind.Number
                || !used.TryGetDouble(out var percent) || !double.IsFinite(percent) || percent < 0) continue;
            DateTimeOffset? resets = Count(w, "resets_at") is > 0 and var at ? DateTimeOffset.FromUnixTimeSeconds(Math.Min(at, 253402300799)) : null;
            if (resets is null && w.TryGetProperty("resets_in_seconds", out var inSeconds) && inSeconds.TryGetInt64(out var seconds) && seconds >= 0
                && DateTimeOffset.TryParse(TextOf(root, "timestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var written))
                resets = written.AddSeconds(Math.Min(seconds, 10L * 365 * 86400));
            windows.Add(new RateLimitWindow(name, Math.Min(percent, 1e6), Count(w, "window_minutes") is > 0 and var minutes ? minutes : null, resets));
        }
        return windows;
    }
}
