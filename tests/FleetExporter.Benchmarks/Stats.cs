namespace FleetExporter.Benchmarks;

/// <summary>Order statistics of a list of timings (nearest rank).</summary>
internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> xs) => Percentile(xs, 0.5);

    public static double Percentile(IReadOnlyCollection<double> xs, double q)
    {
        var sorted = xs.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
    }
}
