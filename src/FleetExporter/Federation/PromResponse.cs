using System.Globalization;
using System.Text.Json;

namespace FleetExporter.Federation;

/// <summary>One sample of an instant vector: the series' labels (with <c>__name__</c> when the query kept it) and its value.</summary>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";

    public string Name => Label("__name__");
}

/// <summary>One series of a range vector: its labels and raw samples, oldest first, with the times Prometheus stored.</summary>
public sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Samples)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
}

/// <summary>Parses the JSON of <c>/api/v1/query</c> (pure: tested over recorded answers).</summary>
public static class PromResponse
{
    public static IReadOnlyList<PromSample> Vector(string json) =>
        Parse(json, "vector", r => r.EnumerateArray().Select(s => new PromSample(Labels(s), Value(s.GetProperty("value")))).ToList());

    public static IReadOnlyList<PromSeries> Matrix(string json) =>
        Parse(json, "matrix", r => r.EnumerateArray().Select(s => new PromSeries(Labels(s),
            s.GetProperty("values").EnumerateArray().Select(v => (Time(v), Value(v))).ToList())).ToList());

    private static IReadOnlyList<T> Parse<T>(string json, string expected, Func<JsonElement, IReadOnlyList<T>> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.GetProperty("status").GetString() != "success")
                throw new PrometheusException($"query failed: {Text(root, "errorType")}: {Text(root, "error")}");
            var data = root.GetProperty("data");
            var type = data.GetProperty("resultType").GetString();
            if (type != expected) throw new PrometheusException($"expected a {expected} result, got {type}");
            return read(data.GetProperty("result"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException
                                   or ArgumentException or OverflowException)
        {
            throw new PrometheusException($"not a Prometheus API answer ({e.Message})");
        }
    }

    private static string Text(JsonElement root, string name) => root.TryGetProperty(name, out var v) ? v.ToString() : "?";

    private static Dictionary<string, string> Labels(JsonElement series) =>
        series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);

    /// <summary>A <c>[unix seconds, "value"]</c> pair's time, to the millisecond Prometheus keeps.</summary>
    private static DateTimeOffset Time(JsonElement pair) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(pair[0].GetDouble() * 1000));

    /// <summary>Values come as strings, including "NaN" and "+Inf".</summary>
    private static double Value(JsonElement pair) =>
        double.Parse(pair[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>Prometheus could not be asked: unreachable, refused the request, or answered with an error.</summary>
/// <summary>Why Prometheus could not be asked; cut and escaped, as it may quote the server's own error text.</summary>
public sealed class PrometheusException(string message) : Exception(Text.Printable.Message(message));
