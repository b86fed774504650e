using FleetExporter.Sources.Usage;
using FleetExporter.Usage;

namespace FleetExporter.Federation;

/// <summary>
/// One agent's usage read back from its exported series (pure): tokens by model and type, each priced model's cost
/// (carried as recorded, since its exporter priced it: <see cref="PriceTable.RecordedOnly"/>), what each cost since
/// local midnight (<see cref="FleetAnswers.CostTodayQuery"/>), the context and the rate-limit windows. Null when the
/// agent exports no tokens.
/// </summary>
public static class RemoteUsage
{
    public static UsageReading? From(IReadOnlyList<PromSample> series, IEnumerable<PromSample>? costToday, DateOnly today)
    {
        var tokens = new Dictionary<(string, string), long>();
        foreach (var s in Named(series, "fleet_agent_tokens_total"))
            tokens[(s.Label("model"), s.Label("type"))] = Count(s.Value);
        if (tokens.Count == 0) return null;
        var costs = Named(series, "fleet_agent_cost_usd_total").Where(s => Usd(s.Value) is not null)
            .GroupBy(s => s.Label("model"), StringComparer.Ordinal).ToDictionary(g => g.Key, g => Usd(g.First().Value)!.Value, StringComparer.Ordinal);
        var day = (costToday ?? []).Where(s => Usd(s.Value) is not null)
            .GroupBy(s => s.Label("model"), StringComparer.Ordinal).ToDictionary(g => g.Key, g => Usd(g.First().Value)!.Value, StringComparer.Ordinal);
        // Prometheus has no increase for an agent whose cost series is younger than two samples, or was not asked:
        // today's cost is then unknown, not zero. A model it has no cost of is unpriced today too.
        var known = costToday is not null && (day.Count > 0 || costs.Count == 0);
        var unpriced = tokens.Keys.Where(k => !costs.ContainsKey(k.Item1)).ToDictionary(k => k, _ => 0L);
        var totals = new UsageTotals
        {
            Tokens = tokens,
            RecordedCostUsd = costs,
            Today = known ? new DayUsage(today) { RecordedCostUsd = day, Tokens = unpriced } : null,
            Context = Pair(series, "fleet_agent_context_tokens"),
            ContextWindow = Pair(series, "fleet_agent_context_window_tokens"),
            RateLimits = [.. RateLimitWindow.Names.Select(w => RateLimit(series, w)).OfType<RateLimitWindow>()],
        };
        return new UsageReading(totals, null);
    }

    private static RateLimitWindow? RateLimit(IReadOnlyList<PromSample> series, string window)
    {
        double? Of(string name) => Named(series, name).FirstOrDefault(s => s.Label("window") == window)?.Value is { } v && double.IsFinite(v) && v >= 0 ? v : null;
        return Of("fleet_agent_rate_limit_used_ratio") is { } used
            ? new RateLimitWindow(window, used * 100, Of("fleet_agent_rate_limit_window_seconds") is { } s ? (long)(s / 60) : null,
                Of("fleet_agent_rate_limit_resets_timestamp_seconds") is { } at && at < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds((long)at) : null)
            : null;
    }

    private static (string, long)? Pair(IReadOnlyList<PromSample> series, string name) =>
        Named(series, name).FirstOrDefault() is { } s ? (s.Label("model"), Count(s.Value)) : null;

    private static IEnumerable<PromSample> Named(IReadOnlyList<PromSample> series, string name) => series.Where(s => s.Name == name);

    /// <summary>A count as Prometheus gives it (a float): never negative, never past long.MaxValue.</summary>
    private static long Count(double v) => double.IsFinite(v) && v > 0 ? (long)Math.Min(v, long.MaxValue) : 0;

    private static double? Usd(double v) => double.IsFinite(v) && v >= 0 ? v : null;
}
