using FleetExporter.Fleet;

namespace FleetExporter.Metrics;

/// <summary>
/// Collection at scrape time, one at a time: a scrape that arrives while a collection runs waits for that one
/// instead of starting its own subprocesses. The first scrape's timeout bounds the shared collection.
/// </summary>
public sealed class ScrapeCollector(RosterProvider rosters, FleetJoin join, FleetMetrics metrics, ILogger<ScrapeCollector>? log = null)
{
    private readonly Lock _gate = new();
    private Task<FleetSnapshot>? _inFlight;

    public FleetSnapshot? Last { get; private set; }

    public Task<FleetSnapshot> CollectAsync(TimeSpan budget)
    {
        lock (_gate)
        {
            if (_inFlight is { IsCompleted: false }) return _inFlight;
            // The deadline starts now, with the scrape's own wait, not when a busy thread pool gets to the work:
            // otherwise the sources could still be running when the scrape gives up.
            var deadline = new CancellationTokenSource(budget);
            return _inFlight = Task.Run(() => RunAsync(deadline));
        }
    }

    /// <summary>The last snapshot if it is younger than maxAge, else a new (shared) collection.</summary>
    public async Task<FleetSnapshot> RecentAsync(TimeSpan maxAge, TimeSpan budget) =>
        Last is { } last && DateTimeOffset.UtcNow - last.At < maxAge ? last : await CollectAsync(budget);

    private async Task<FleetSnapshot> RunAsync(CancellationTokenSource deadline)
    {
        using var _ = deadline;
        metrics.CountCollection();
        var (roster, rosterHealth) = rosters.Current();
        var snapshot = await join.CollectAsync(roster, deadline.Token);
        snapshot = snapshot with { Sources = [.. snapshot.Sources, rosterHealth] };
        metrics.Publish(snapshot);
        Last = snapshot;
        // As node_exporter logs a failed collector: each time, so the log says when it began and ended.
        foreach (var failed in snapshot.Sources.Where(s => !s.Ok))
            log?.LogWarning("source failed: {Collector}: {Error}", failed.Source, failed.Error);
        log?.LogDebug("collection done in {DurationSeconds} s, {Agents} agents", Math.Round(snapshot.Duration.TotalSeconds, 3), snapshot.Agents.Count);
        return snapshot;
    }
}
