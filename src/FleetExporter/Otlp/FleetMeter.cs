using System.Diagnostics.Metrics;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using FleetExporter.Telemetry;

namespace FleetExporter.Otlp;

/// <summary>
/// Every <see cref="FleetSeries"/> family as a .NET observable instrument, for OTLP: the same names, labels and
/// values as /metrics. Each export reads a recent snapshot, collected through the same shared collection the
/// scrapes use, so OTLP users get the fleet without any Prometheus.
/// </summary>
public sealed class FleetMeter : IDisposable
{
    public const string Name = "FleetExporter.Fleet";
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private readonly Meter _meter = new(Name, BuildInfo.Version);
    private readonly ScrapeCollector _collector;
    private readonly Lock _gate = new();
    private (FleetSnapshot? Snapshot, ILookup<SeriesFamily, SeriesSample>? Samples) _cache;

    public FleetMeter(ScrapeCollector collector, FleetMetrics metrics)
    {
        _collector = collector;
        // The exporter's own count, as on /metrics; read without a collection.
        _meter.CreateObservableCounter(FleetMetrics.CollectionsName, () => metrics.Collections, description: FleetMetrics.CollectionsHelp);
        foreach (var family in FleetSeries.Families)
        {
            var f = family;
            if (f.Kind == SeriesKind.Counter)
                _meter.CreateObservableCounter(f.Name, () => Measure(f), description: f.Help);
            else
                _meter.CreateObservableGauge(f.Name, () => Measure(f), description: f.Help);
        }
    }

    private IEnumerable<Measurement<double>> Measure(SeriesFamily family) =>
        Samples()[family].Select(s => new Measurement<double>(s.Value,
            family.LabelNames.Select((name, i) => new KeyValuePair<string, object?>(name, s.LabelValues[i])).ToArray()));

    /// <summary>One collection serves every instrument of one export.</summary>
    private ILookup<SeriesFamily, SeriesSample> Samples()
    {
        FleetSnapshot snapshot;
        try
        {
            // Observable callbacks are synchronous; the wait is bounded by the collection's own deadline.
            snapshot = _collector.RecentAsync(Reuse, Budget).WaitAsync(Budget + TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            return Enumerable.Empty<SeriesSample>().ToLookup(s => s.Family);
        }
        lock (_gate)
        {
            if (!ReferenceEquals(_cache.Snapshot, snapshot))
                _cache = (snapshot, FleetSeries.From(snapshot).ToLookup(s => s.Family));
            return _cache.Samples!;
        }
    }

    public void Dispose() => _meter.Dispose();
}
