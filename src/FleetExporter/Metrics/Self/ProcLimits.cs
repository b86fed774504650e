using System.Globalization;

namespace FleetExporter.Metrics.Self;

/// <summary>Reads the soft limits of <c>/proc/PID/limits</c>, as the Prometheus Go client's process collector does.</summary>
public static class ProcLimits
{
    /// <summary>
    /// The soft limit of the row named <paramref name="limit"/> (e.g. "Max open files"): +Inf for "unlimited",
    /// null when the row is missing or unreadable. The name column is padded, so rows are matched by prefix.
    /// </summary>
    public static double? SoftLimit(string limitsText, string limit)
    {
        foreach (var line in limitsText.Split('\n'))
        {
            if (!line.StartsWith(limit, StringComparison.Ordinal) || line.Length <= limit.Length || line[limit.Length] != ' ') continue;
            var soft = line[limit.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (soft == "unlimited") return double.PositiveInfinity;
            return ulong.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        return null;
    }
}
