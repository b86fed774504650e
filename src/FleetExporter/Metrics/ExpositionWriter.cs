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
/// Lines are encoded straight into a pooled buffer that goes out every 64 KiB: no string per series.
/// </summary>
public static class ExpositionWriter
{
    private const int Flush = 64 * 1024;

    public static async Task WriteAsync(Stream to, FleetSnapshot snapshot, ExpositionFormat format, CancellationToken cancel = default)
    {
        var byFamily = new List<SeriesSample>[FleetSeries.Families.Count];
        for (var i = 0; i < byFamily.Length; i++) byFamily[i] = [];
        foreach (var sample in FleetSeries.From(snapshot)) byFamily[FleetSeries.IndexOf(sample.Family)].Add(sample);

        var page = new PageBuffer(Flush * 2);
        try
        {
            for (var f = 0; f < byFamily.Length; f++)
            {
                var family = FleetSeries.Families[f];
                var declaration = Declaration(family, format);
                page.Reserve(Encoding.UTF8.GetMaxByteCount(declaration.Length));
                page.Append(declaration);
                foreach (var sample in byFamily[f])
                {
                    page.Reserve(MaxLineBytes(sample));
                    WriteLine(page, sample, format);
                    if (page.Used >= Flush) await page.FlushAsync(to, cancel);
                }
            }
            await page.FlushAsync(to, cancel);
        }
        finally
        {
            page.Return();
        }
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

    // Escaping at most doubles a character, and UTF-8 takes at most 3 bytes per UTF-16 unit; a value is at most 32.
    private static int MaxLineBytes(SeriesSample sample)
    {
        var bytes = sample.Family.Name.Length * 3 + 40;
        for (var i = 0; i < sample.Family.LabelNames.Count; i++)
            bytes += sample.Family.LabelNames[i].Length * 3 + sample.LabelValues[i].Length * 6 + 4;
        return bytes;
    }

    private static void WriteLine(PageBuffer page, SeriesSample sample, ExpositionFormat format)
    {
        page.Append(sample.Family.Name);
        var names = sample.Family.LabelNames;
        if (names.Count > 0)
        {
            page.Append((byte)'{');
            for (var i = 0; i < names.Count; i++)
            {
                if (i > 0) page.Append((byte)',');
                page.Append(names[i]);
                page.Append((byte)'=');
                page.Append((byte)'"');
                page.AppendEscaped(sample.LabelValues[i]);
                page.Append((byte)'"');
            }
            page.Append((byte)'}');
        }
        page.Append((byte)' ');
        page.Append(Value(sample.Value, format));
        page.Append((byte)'\n');
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
        if (format == ExpositionFormat.PrometheusText && value == Math.Floor(value) && Math.Abs(value) < 1e15)
            return Integers.Get(value);
        var text = value.ToString("g", CultureInfo.InvariantCulture);
        return format == ExpositionFormat.OpenMetricsText && text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 ? text + ".0" : text;
    }

    // The values most series take (0, 1, small counts), formatted once.
    private static class Integers
    {
        private static readonly string[] Small = [.. Enumerable.Range(0, 1024).Select(i => i.ToString(CultureInfo.InvariantCulture))];

        public static string Get(double value) =>
            value is >= 0 and < 1024 && !double.IsNegative(value) ? Small[(int)value] : value.ToString("g", CultureInfo.InvariantCulture);
    }
}

/// <summary>A pooled byte buffer the page is encoded into, written out in large pieces.</summary>
internal sealed class PageBuffer(int capacity)
{
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(capacity);

    public int Used { get; private set; }

    /// <summary>Room for <paramref name="bytes"/> more (a longer line than the buffer holds grows it).</summary>
    public void Reserve(int bytes)
    {
        if (Used + bytes <= _bytes.Length) return;
        var larger = ArrayPool<byte>.Shared.Rent(Used + bytes);
        _bytes.AsSpan(0, Used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = larger;
    }

    public void Append(byte b) => _bytes[Used++] = b;

    public void Append(string text) => Used += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(Used));

    // Label values escape backslash, newline and double quote (both formats), as prometheus-net does.
    public void AppendEscaped(string value) =>
        Append(value.AsSpan().IndexOfAny('\\', '\n', '"') < 0 ? value : value.Replace("\\", @"\\").Replace("\n", @"\n").Replace("\"", "\\\""));

    public async ValueTask FlushAsync(Stream to, CancellationToken cancel)
    {
        if (Used == 0) return;
        await to.WriteAsync(_bytes.AsMemory(0, Used), cancel);
        Used = 0;
    }

    public void Return() => ArrayPool<byte>.Shared.Return(_bytes);
}
