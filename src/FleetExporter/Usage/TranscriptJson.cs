using System.Text.Json;

namespace FleetExporter.Usage;

/// <summary>Reading a transcript's JSON the way every parser does: a field of the wrong kind counts as absent.</summary>
internal static class TranscriptJson
{
    /// <summary>
    /// A line that holds both markers, read as a JSON object; any other line (most are no response, and some are
    /// megabytes of tool output: looked at before parsing), or one that is not JSON, gives nothing.
    /// </summary>
    public static T? Object<T>(ReadOnlySpan<byte> line, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Func<JsonElement, T?> read) where T : class
    {
        if (line.IndexOf(first) < 0 || line.IndexOf(second) < 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? read(doc.RootElement) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>The object under <paramref name="name"/>, or null when there is none (or something else is there).</summary>
    public static JsonElement? ObjectOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static string? TextOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>More tokens than any one response can hold: a larger count is cut to it, so totals cannot overflow.</summary>
    public const long MaxCount = 1_000_000_000_000;

    /// <summary>A count the transcript gives; anything else (missing, negative, not a whole number) counts nothing.</summary>
    public static long Count(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0 ? Math.Min(n, MaxCount) : 0;

    /// <summary>A response id as kept in the usage file: a long one (no runtime writes one) by its SHA-256, so the file stays small.</summary>
    public static string? Id(string? id) =>
        id is { Length: > 128 } ? "sha256:" + Heartbeats.Sha256.Hex(id) : id;

    /// <summary>A model name is a label value: a long one is cut.</summary>
    public static string Model(string model) => model.Length > 100 ? model[..100] : model;
}
