using System.Text;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using Prometheus;

namespace FleetExporter.Tests.Metrics;

/// <summary>
/// The writer that goes around prometheus-net's registry writes what that registry would write for the same series,
/// in both formats, and a valid OpenMetrics page (promtool's parser is the text one; the OpenMetrics rules are checked here).
/// </summary>
public sealed class ExpositionWriterTests
{
    // The same series published to a real prometheus-net registry, as serve did before the writer.
    private static async Task<string> ThroughRegistryAsync(FleetSnapshot snapshot, ExpositionFormat format)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var gauges = new Dictionary<SeriesFamily, Gauge>(ReferenceEqualityComparer.Instance);
        var counters = new Dictionary<SeriesFamily, Counter>(ReferenceEqualityComparer.Instance);
        foreach (var family in FleetSeries.Families)
        {
            if (family.Kind == SeriesKind.Counter) counters[family] = factory.CreateCounter(family.Name, family.Help, [.. family.LabelNames]);
            else gauges[family] = factory.CreateGauge(family.Name, family.Help, [.. family.LabelNames]);
        }
        foreach (var s in FleetSeries.From(snapshot))
        {
            if (s.Family.Kind == SeriesKind.Counter) counters[s.Family].WithLabels([.. s.LabelValues]).IncTo(s.Value);
            else gauges[s.Family].WithLabels([.. s.LabelValues]).Set(s.Value);
        }
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static async Task<string> WrittenAsync(FleetSnapshot snapshot, ExpositionFormat format)
    {
        using var stream = new MemoryStream();
        await ExpositionWriter.WriteAsync(stream, snapshot, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText)]
    [InlineData(ExpositionFormat.OpenMetricsText)]
    public async Task The_writer_writes_what_prometheus_net_writes_for_the_same_series(ExpositionFormat format)
    {
        var snapshot = ExpositionGoldenTests.FixedFleet();

        var expected = (await ThroughRegistryAsync(snapshot, format)).Replace("# EOF\n", "");
        var written = await WrittenAsync(snapshot, format);

        Assert.Equal(expected, written);
        Assert.Contains(FleetSeries.Families[0].Name + "{", written);
    }

    [Fact]
    public async Task A_family_without_series_is_still_declared_and_label_values_are_escaped()
    {
        var fleet = ExpositionGoldenTests.FixedFleet();
        var odd = fleet with { Roster = fleet.Roster with { Host = "a\"b\\c\nd é 🚀" }, Agents = [] };

        var written = await WrittenAsync(odd, ExpositionFormat.PrometheusText);

        Assert.Equal(FleetSeries.Families.Count, written.Split('\n').Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)));
        Assert.Contains("fleet_roster_agents{host=\"a\\\"b\\\\c\\nd é 🚀\"} 0\n", written);
        Assert.Equal(await ThroughRegistryAsync(odd, ExpositionFormat.PrometheusText), written);
    }

    [Theory]
    [InlineData(0.0, "0", "0.0")]
    [InlineData(1.0, "1", "1.0")]
    [InlineData(-1.0, "-1", "-1.0")]
    [InlineData(2.0, "2", "2.0")]
    [InlineData(0.25, "0.25", "0.25")]
    [InlineData(1e21, "1e+21", "1e+21")]
    [InlineData(double.PositiveInfinity, "+Inf", "+Inf")]
    [InlineData(double.NaN, "NaN", "NaN")]
    public void Values_are_written_as_each_format_wants(double value, string text, string openMetrics)
    {
        Assert.Equal(text, ExpositionWriter.Value(value, ExpositionFormat.PrometheusText));
        Assert.Equal(openMetrics, ExpositionWriter.Value(value, ExpositionFormat.OpenMetricsText));
    }
}
