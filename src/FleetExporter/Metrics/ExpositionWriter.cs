using System.Buffers;
using System.Globalization;
using System.Text;
using FleetExporter.Fleet;
using Prometheus;

namespace FleetExporter.Metrics;

/// <summary>
/// Writes a snapshot's <see cref="FleetSeries"/> as Prometheus text or OpenMetrics, byte for byte as prometheus-net's
/// serializer writes a registry (the golden file holds us to it), without keeping a registry child per series:
/// at 1000 agents those children were 34 MiB, live between scrapes, to say what the snapshot already says.
/// Every family is declared even when it has no series, as prometheus-net does; series come in the snapshot's order.
/// </summary>
public static class ExpositionWriter
{
    private const int Chunk = 64 * 1024;

    public static async Task WriteAsync(Stream to, FleetSnapshot snapshot, ExpositionFormat format, CancellationToken cancel = default)
    {
        var byFamily = new List<SeriesSample>[FleetSeries.Families.Count];
        for (var i = 0; i < byFamily.Length; i++) byFamily[i] = [];
        foreach (var sample in FleetSeries.From(snapshot)) byFamily[FleetSeries.IndexOf(sample.Family)].Add(sample);

        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            var used = 0;
            for (var f = 0; f < byFamily.Length; f++)
            {
                var family = FleetSeries.Families[f];
                used = await EnsureAsync(to, buffer, used, Declaration(family, format), cancel);
                foreach (var sample in byFamily[f])
                {
                    var line = Line(sample, format);
                    used = await EnsureAsync(to, buffer, used, line, cancel);
                }
            }
            if (used > 0) await to.WriteAsync(buffer.AsMemory(0, used), cancel);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Appends text to the buffer, first writing the buffer out when the text would not fit.
    private static async ValueTask<int> EnsureAsync(Stream to, byte[] buffer, int used, string text, CancellationToken cancel)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        if (used + length > buffer.Length)
        {
            await to.WriteAsync(buffer.AsMemory(0, used), cancel);
            used = 0;
            if (length > buffer.Length)
            {
                await to.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
                return 0;
            }
        }
        return used + Encoding.UTF8.GetBytes(text, buffer.AsSpan(used));
    }

    /// <summary>
    /// <c># HELP</c> and <c># TYPE</c>. In OpenMetrics a counter's family is named without <c>_total</c> (its samples keep
    /// it), and a counter without the suffix would be out of spec: prometheus-net then says <c>unknown</c>, so do we.
    /// </summary>
    internal static string Declaration(SeriesFamily family, ExpositionFormat format)
    {
        var name = family.Name;
        var type = family.Kind == SeriesKind.Counter ? "counter" : "gauge";
        if (format == ExpositionFormat.OpenMetricsText && family.Kind == SeriesKind.Counter)
        {
            if (name.EndsWith("_total", StringComparison.Ordinal)) name = name[..^6];
            else type = "unknown";
        }
        var help = string.IsNullOrWhiteSpace(family.Help) ? "" : family.Help;
        return $"# HELP {name} {help}\n# TYPE {name} {type}\n";
    }

    internal static string Line(SeriesSample sample, ExpositionFormat format)
    {
        var sb = new StringBuilder(128).Append(sample.Family.Name);
        var names = sample.Family.LabelNames;
        if (names.Count > 0)
        {
            sb.Append('{');
            for (var i = 0; i < names.Count; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(names[i]).Append("=\"");
                Escape(sb, sample.LabelValues[i]);
                sb.Append('"');
            }
            sb.Append('}');
        }
        return sb.Append(' ').Append(Value(sample.Value, format)).Append('\n').ToString();
    }

    // Label values escape backslash, newline and double quote (both formats).
    private static void Escape(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '"': sb.Append("\\\""); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>
    /// Shortest round-trip form ("g"); OpenMetrics wants a float to look like one (<c>1.0</c>, <c>0.0</c>, <c>2.0</c>).
    /// Infinities are <c>+Inf</c>/<c>-Inf</c> in both formats (prometheus-net writes .NET's "Infinity" in the text
    /// format; both parse, this one is the spelling the formats document).
    /// </summary>
    internal static string Value(double value, ExpositionFormat format)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (format == ExpositionFormat.OpenMetricsText)
        {
            if (value == 0) return "0.0";
            if (value == 1) return "1.0";
            if (value == -1) return "-1.0";
        }
        var text = value.ToString("g", CultureInfo.InvariantCulture);
        return format == ExpositionFormat.OpenMetricsText && text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 ? text + ".0" : text;
    }
}
