using FleetExporter.Fleet;
using Prometheus;

namespace FleetExporter.Metrics;

/// <summary>
/// What /metrics exposes: the last published snapshot's <see cref="FleetSeries"/> (written straight from the
/// snapshot by <see cref="ExpositionWriter"/>), then the exporter's own series on a small prometheus-net registry
/// (collections run, <c>process_*</c>). Series not in the snapshot are simply not written, never left at a last value.
/// </summary>
public sealed class FleetMetrics
{
    private readonly Counter _collections;
    private FleetSnapshot? _last;

    /// <summary>The exporter's own series, written after the fleet's.</summary>
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public FleetMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _collections = factory.CreateCounter(CollectionsName, CollectionsHelp);
        Self.ProcessMetrics.Register(Registry);
    }

    public const string CollectionsName = "fleet_exporter_collections_total";
    public const string CollectionsHelp = "Collections run; concurrent scrapes share one.";

    public void CountCollection() => _collections.Inc();

    public long Collections => (long)_collections.Value;

    /// <summary>The snapshot that <see cref="WriteAsync"/> writes when it is given none.</summary>
    public void Publish(FleetSnapshot snapshot) => Volatile.Write(ref _last, snapshot);

    /// <summary>The exposition of <paramref name="snapshot"/> (or of the last published one) in the negotiated format.</summary>
    public async Task WriteAsync(Stream to, ExpositionFormat format, FleetSnapshot? snapshot = null, CancellationToken cancel = default)
    {
        if ((snapshot ?? Volatile.Read(ref _last)) is { } fleet) await ExpositionWriter.WriteAsync(to, fleet, format, cancel);
        // prometheus-net ends OpenMetrics with "# EOF", so its part comes last.
        await Registry.CollectAndExportAsTextAsync(to, format, cancel);
    }
}
