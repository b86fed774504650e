using FleetExporter.Fleet;
using Prometheus;

namespace FleetExporter.Metrics;

/// <summary>
/// The <see cref="FleetSeries"/> families on a prometheus-net registry of their own. Publishing a snapshot is
/// the only writer; scrapes only read. Series not in the latest snapshot are removed, not left at their last value.
/// </summary>
public sealed class FleetMetrics
{
    private readonly Lock _gate = new();
    // By reference: a family is one of FleetSeries' instances, and a record's hash would hash its help text at every sample.
    private readonly Dictionary<SeriesFamily, TrackedGauge> _gauges = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SeriesFamily, TrackedCounter> _counters = new(ReferenceEqualityComparer.Instance);
    private readonly Counter _collections;

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public FleetMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        foreach (var family in FleetSeries.Families)
        {
            if (family.Kind == SeriesKind.Counter)
                _counters[family] = new(factory.CreateCounter(family.Name, family.Help, new CounterConfiguration { LabelNames = [.. family.LabelNames] }));
            else
                _gauges[family] = new(factory.CreateGauge(family.Name, family.Help, new GaugeConfiguration { LabelNames = [.. family.LabelNames] }));
        }
        _collections = factory.CreateCounter(CollectionsName, CollectionsHelp);
        Self.ProcessMetrics.Register(Registry);
    }

    public const string CollectionsName = "fleet_exporter_collections_total";
    public const string CollectionsHelp = "Collections run; concurrent scrapes share one.";

    public void CountCollection() => _collections.Inc();

    public long Collections => (long)_collections.Value;

    public void Publish(FleetSnapshot snapshot)
    {
        lock (_gate)
        {
            foreach (var sample in FleetSeries.From(snapshot))
            {
                var labels = sample.LabelValues as string[] ?? [.. sample.LabelValues];
                if (sample.Family.Kind == SeriesKind.Counter) _counters[sample.Family].Set(sample.Value, labels);
                else _gauges[sample.Family].Set(sample.Value, labels);
            }
            foreach (var g in _gauges.Values) g.Sweep();
            foreach (var c in _counters.Values) c.Sweep();
        }
    }
}
