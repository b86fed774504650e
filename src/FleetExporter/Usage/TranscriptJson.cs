using System.Text.Json;

namespace FleetExporter.Usage;

/// <summary>Reading a transcript's JSON the way every parser does: a field of the wrong kind counts as absent.</summary>
internal static class TranscriptJson
{
    public static string? TextOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>More tokens than any one response can hold: a larger count is cut to it, so totals cannot overflow.</summary>
    public const long MaxCount = 1_000_000_000_000;

    /// <summary>A count the transcript gives; anything else (missing, negative, not a whole number) counts nothing.</summary>
    public static long Count(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0 ? Math.Min(n, MaxCount) : 0;

    /// <summary>A response id as kept in the usage file: a long one (no runtime writes one) by its SHA-256, so the file stays small.</summary>
    public static string? Id(string? id) =>
        id is { Length: > 128 } ? "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id))) : id;

    /// <summary>A model name is a label value: a long one is cut.</summary>
    public static string Model(string model) => model.Length > 100 ? model[..100] : model;
}
