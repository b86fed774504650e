using System.Globalization;
using System.Text.RegularExpressions;

namespace FleetExporter.Roster;

/// <summary>Prometheus-style durations: <c>500ms</c>, <c>30s</c>, <c>1m30s</c>, <c>2h</c>, <c>1d</c>.</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+\z")]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)")]
    private static partial Regex Part();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (!Shape().IsMatch(text)) return false;
        double seconds = 0;
        foreach (Match m in Part().Matches(text))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += m.Groups[2].Value switch
            {
                "ms" => n / 1000, "s" => n, "m" => n * 60, "h" => n * 3600, _ => n * 86400,
            };
        }
        if (seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero) return "-" + Format(-span);
        if (span.TotalSeconds < 1) return $"{span.TotalMilliseconds:0}ms";
        if (span.TotalMinutes < 1) return $"{span.TotalSeconds:0}s";
        if (span.TotalHours < 1) return $"{(int)span.TotalMinutes}m{span.Seconds:00}s";
        if (span.TotalDays < 1) return $"{(int)span.TotalHours}h{span.Minutes:00}m";
        return $"{(int)span.TotalDays}d{span.Hours:00}h";
    }
}
