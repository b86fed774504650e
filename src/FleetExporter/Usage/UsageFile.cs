using System.Text.Json;
using FleetExporter.Files;

namespace FleetExporter.Usage;

/// <summary>
/// <c>&lt;dir&gt;/&lt;agent&gt;.usage</c>: an agent's <see cref="UsageTotals"/> as JSON, written whole (atomically) by its
/// hooks under the heartbeat lock and read by <c>serve</c> (docs/usage.md). A file that cannot be read is that
/// agent's problem, never a failed collection.
/// </summary>
public static class UsageFile
{
    public const int Version = 1;
    public const int MaxBytes = 64 * 1024;

    public static string PathFor(string heartbeatDirectory, string agent) => Path.Combine(heartbeatDirectory, agent + ".usage");

    public static void Write(string file, UsageTotals totals, DateTimeOffset now)
    {
        // Never write what a reader refuses: the recent responses, then the older transcripts, give way first.
        var buffer = Serialize(totals, now);
        if (buffer.Length > MaxBytes) buffer = Serialize(totals = totals with { Recent = [.. totals.Recent.Take(8)] }, now);
        if (buffer.Length > MaxBytes) buffer = Serialize(totals = totals with { Recent = [], RecentEvents = [.. totals.RecentEvents.Take(8)], Transcripts = [.. totals.Transcripts.Take(1)] }, now);
        if (buffer.Length > MaxBytes) throw new UsageFileException($"{file}: the usage would be larger than {MaxBytes} bytes ({buffer.Length}); not written");
        AtomicFile.Write(file, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static MemoryStream Serialize(UsageTotals totals, DateTimeOffset now)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteNumber("ts", Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3));
            json.WriteNumber("responses", totals.Responses);
            json.WriteNumber("api_errors", totals.ApiErrors);
            json.WriteNumber("turns", totals.Turns);
            json.WriteStartObject("tool_calls");
            foreach (var outcome in ToolOutcome.All) json.WriteNumber(outcome, totals.ToolCalls.GetValueOrDefault(outcome));
            json.WriteEndObject();
            WriteTokens(json, totals.Tokens);
            WritePair(json, "context", totals.Context);
            WritePair(json, "context_window", totals.ContextWindow);
            WriteRecorded(json, totals.RecordedCostUsd);
            if (totals.Today is { } day)
            {
                json.WriteStartObject("today");
                json.WriteString("date", day.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                WriteTokens(json, day.Tokens);
                WriteRecorded(json, day.RecordedCostUsd);
                json.WriteEndObject();
            }
            if (totals.RateLimits.Count > 0)
            {
                json.WriteStartArray("rate_limits");
                foreach (var limit in totals.RateLimits)
                {
                    json.WriteStartObject();
                    json.WriteString("window", limit.Window);
                    json.WriteNumber("used_percent", limit.UsedPercent);
                    if (limit.WindowMinutes is { } minutes) json.WriteNumber("window_minutes", minutes);
                    if (limit.ResetsAt is { } resets) json.WriteNumber("resets_at", resets.ToUnixTimeSeconds());
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteStartArray("transcripts");
            foreach (var t in totals.Transcripts)
            {
                json.WriteStartObject();
                json.WriteString("path", t.Path);
                json.WriteNumber("inode", t.Inode);
                json.WriteNumber("offset", t.Offset);
                if (t.Model is not null) json.WriteString("model", t.Model);
                if (t.Cumulative is { } c)
                {
                    json.WriteStartObject("cumulative");
                    WriteKinds(json, c.Input, c.Output, c.CacheRead, c.CacheWrite, c.Reasoning);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("recent");
            foreach (var r in totals.Recent)
            {
                json.WriteStartObject();
                json.WriteString("id", r.Id);
                json.WriteString("model", r.Model);
                WriteKinds(json, r.Input, r.Output, r.CacheRead, r.CacheWrite, r.Reasoning);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (totals.RecentEvents.Count > 0)
            {
                json.WriteStartArray("recent_events");
                foreach (var id in totals.RecentEvents) json.WriteStringValue(id);
                json.WriteEndArray();
            }
            if (totals.Problem is not null) json.WriteString("problem", totals.Problem);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer;
    }

    /// <summary>The totals in the file; none when there is no file. Throws <see cref="UsageFileException"/> for a file that is no usage file.</summary>
    public static UsageTotals? Read(string file)
    {
        byte[] bytes;
        try { bytes = NonBlockingFile.ReadRegular(file, MaxBytes); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageFileException($"{file}: {e.Message}"); }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || !v.TryGetInt32(out var version) || version != Version)
                throw new UsageFileException($"{file}: not a v{Version} usage file");
            var tokens = Tokens(root);
            var transcripts = Array(root, "transcripts")
                .Select(t => Text(t, "path") is { } path && t.TryGetProperty("inode", out var i) && i.TryGetUInt64(out var inode) && Long(t, "offset") is { } offset and >= 0
                    ? new TranscriptPosition(path, inode, offset) { Model = Text(t, "model"), Cumulative = Cumulative(t) } : null)
                .OfType<TranscriptPosition>().Take(UsageTotals.MaxTranscripts).ToList();
            var recent = Array(root, "recent")
                .Select(r => Text(r, "id") is { } id && Text(r, "model") is { } model
                    ? new ModelResponse(id, model, Long(r, "input") ?? 0, Long(r, "output") ?? 0, Long(r, "cache_read") ?? 0, Long(r, "cache_write") ?? 0, Long(r, "reasoning") ?? 0)
                    : null)
                .OfType<ModelResponse>().Take(UsageTotals.MaxRecentIds).ToList();
            return new UsageTotals
            {
                Tokens = tokens, Responses = Long(root, "responses") ?? 0, ApiErrors = Long(root, "api_errors") ?? 0, Turns = Long(root, "turns") ?? 0, ToolCalls = ToolCalls(root), Context = Pair(root, "context"), ContextWindow = Pair(root, "context_window"),
                Transcripts = transcripts, Recent = recent, RecentEvents = [.. Array(root, "recent_events").Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Take(UsageTotals.MaxRecentIds)],
                RecordedCostUsd = Recorded(root), Problem = Text(root, "problem"),
                Today = Today(root), RateLimits = RateLimits(root),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new UsageFileException($"{file}: not a usage file ({e.Message})");
        }
    }

    /// <summary>The five kinds of token, as the usage file writes them wherever it keeps a count of each.</summary>
    private static void WriteKinds(Utf8JsonWriter json, long input, long output, long cacheRead, long cacheWrite, long reasoning)
    {
        json.WriteNumber("input", input);
        json.WriteNumber("output", output);
        json.WriteNumber("cache_read", cacheRead);
        json.WriteNumber("cache_write", cacheWrite);
        json.WriteNumber("reasoning", reasoning);
    }

    private static void WriteTokens(Utf8JsonWriter json, IReadOnlyDictionary<(string Model, string Type), long> tokens)
    {
        json.WriteStartArray("tokens");
        foreach (var ((model, type), n) in tokens.OrderBy(t => t.Key.Model, StringComparer.Ordinal).ThenBy(t => t.Key.Type, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("type", type);
            json.WriteNumber("n", n);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteRecorded(Utf8JsonWriter json, IReadOnlyDictionary<string, double> recorded)
    {
        if (recorded.Count == 0) return;
        json.WriteStartObject("recorded_cost_usd");
        foreach (var (model, usd) in recorded.OrderBy(r => r.Key, StringComparer.Ordinal)) json.WriteNumber(model, usd);
        json.WriteEndObject();
    }

    private static Dictionary<(string, string), long> Tokens(JsonElement obj)
    {
        var tokens = new Dictionary<(string, string), long>();
        foreach (var t in Array(obj, "tokens"))
            if (Text(t, "model") is { } model && Text(t, "type") is { } type && Long(t, "n") is { } n and >= 0)
                tokens[(model, type)] = n;
        return tokens;
    }

    private static DayUsage? Today(JsonElement root) =>
        root.TryGetProperty("today", out var t) && t.ValueKind == JsonValueKind.Object
        && DateOnly.TryParseExact(Text(t, "date"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            ? new DayUsage(date) { Tokens = Tokens(t), RecordedCostUsd = Recorded(t) }
            : null;

    private static List<RateLimitWindow> RateLimits(JsonElement root) =>
        [.. Array(root, "rate_limits").Select(r => Text(r, "window") is { } window && RateLimitWindow.Names.Contains(window)
                && r.TryGetProperty("used_percent", out var used) && used.ValueKind == JsonValueKind.Number && used.TryGetDouble(out var percent) && double.IsFinite(percent) && percent >= 0
                ? new RateLimitWindow(window, percent, Long(r, "window_minutes"), Long(r, "resets_at") is { } at and >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(at) : null)
                : null)
            .OfType<RateLimitWindow>().DistinctBy(r => r.Window)];

    private static void WritePair(Utf8JsonWriter json, string name, (string Model, long Tokens)? pair)
    {
        if (pair is not var (model, tokens)) return;
        json.WriteStartObject(name);
        json.WriteString("model", model);
        json.WriteNumber("tokens", tokens);
        json.WriteEndObject();
    }

    private static Dictionary<string, long> ToolCalls(JsonElement root) =>
        root.TryGetProperty("tool_calls", out var t) && t.ValueKind == JsonValueKind.Object
            ? ToolOutcome.All.Select(o => (o, Long(t, o))).Where(p => p.Item2 is >= 0).ToDictionary(p => p.o, p => p.Item2!.Value, StringComparer.Ordinal)
            : new Dictionary<string, long>(StringComparer.Ordinal);

    private static Dictionary<string, double> Recorded(JsonElement root) =>
        root.TryGetProperty("recorded_cost_usd", out var r) && r.ValueKind == JsonValueKind.Object
            ? r.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var d) && d >= 0 && double.IsFinite(d))
                .Take(UsageTotals.MaxModels + 1).Aggregate(new Dictionary<string, double>(StringComparer.Ordinal), (all, p) => { all[p.Name] = p.Value.GetDouble(); return all; })
            : new Dictionary<string, double>(StringComparer.Ordinal);

    private static (string, long)? Pair(JsonElement root, string name) =>
        root.TryGetProperty(name, out var c) && c.ValueKind == JsonValueKind.Object && Text(c, "model") is { } m && Long(c, "tokens") is { } n ? (m, n) : null;

    private static CumulativeUsage? Cumulative(JsonElement t) =>
        t.TryGetProperty("cumulative", out var c) && c.ValueKind == JsonValueKind.Object
            ? new CumulativeUsage(Long(c, "input") ?? 0, Long(c, "output") ?? 0, Long(c, "cache_read") ?? 0, Long(c, "cache_write") ?? 0, Long(c, "reasoning") ?? 0)
            : null;

    private static IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}

/// <summary>A usage file that is not one (another kind of file, not JSON, another version); the message names the file.</summary>
public sealed class UsageFileException(string message) : Exception(message);
