using Prometheus;

namespace FleetExporter.Metrics;

/// <summary>
/// A labelled metric that forgets what it did not see. prometheus-net keeps every label set forever; each
/// publish marks the sets it writes, and <see cref="Sweep"/> removes the rest, so agents that leave the roster
/// (or facts whose source failed) leave the output instead of repeating their last value.
/// </summary>
internal sealed class TrackedGauge(Gauge gauge)
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public void Set(double value, params string[] labels)
    {
        _touched.Add(Key(labels));
        gauge.WithLabels(labels).Set(value);
    }

    public void Sweep()
    {
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (!_touched.Contains(Key(labels))) gauge.RemoveLabelled(labels);
        _touched.Clear();
    }

    internal static string Key(string[] labels) => string.Join('\u001f', labels);
}

/// <summary>A counter that mirrors a count kept elsewhere (systemd's NRestarts, /proc CPU time); a drop means the count restarted.</summary>
internal sealed class TrackedCounter(Counter counter)
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public void Set(double value, params string[] labels)
    {
        _touched.Add(TrackedGauge.Key(labels));
        var child = counter.WithLabels(labels);
        if (value < child.Value)
        {
            // A new process or a reset unit: start the series again rather than pretend the count went on.
            counter.RemoveLabelled(labels);
            child = counter.WithLabels(labels);
        }
        child.IncTo(value);
    }

    public void Sweep()
    {
        foreach (var labels in counter.GetAllLabelValues().ToList())
            if (!_touched.Contains(TrackedGauge.Key(labels))) counter.RemoveLabelled(labels);
        _touched.Clear();
    }
}
