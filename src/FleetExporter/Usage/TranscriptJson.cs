using System.Text.Json;

namespace FleetExporter.Usage;

/// <summary>Reading a transcript's JSON the way every parser does: a field of the wrong kind counts as absent.</summary>
internal static class TranscriptJson
{
    public static string? TextOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A count the transcript gives; anything else (missing, negative, not a whole number) counts nothing.</summary>
    public static long Count(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0 ? n : 0;

    /// <summary>A model name is a label value: a long one is cut.</summary>
    public static string Model(string model) => model.Length > 100 ? model[..100] : model;
}
