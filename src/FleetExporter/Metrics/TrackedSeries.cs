using Prometheus;

namespace FleetExporter.Metrics;

/// <summary>
/// A labelled metric that forgets what it did not see. prometheus-net keeps every label set forever; each
/// publish marks the sets it writes, and <see cref="Sweep"/> removes those of the previous publish that this one
/// did not write, so agents that leave the roster (or facts whose source failed) leave the output instead of
/// repeating their last value. The sets are compared by content, so publishing builds no key per series.
/// </summary>
internal sealed class TrackedGauge(Gauge gauge)
{
    private readonly PublishedLabels _published = new();

    public void Set(double value, string[] labels)
    {
        _published.Touch(labels);
        gauge.WithLabels(labels).Set(value);
    }

    public void Sweep() => _published.Sweep(labels => gauge.RemoveLabelled(labels));
}

/// <summary>A counter that mirrors a count kept elsewhere (systemd's NRestarts, /proc CPU time); a drop means the count restarted.</summary>
internal sealed class TrackedCounter(Counter counter)
{
    private readonly PublishedLabels _published = new();

    public void Set(double value, string[] labels)
    {
        _published.Touch(labels);
        var child = counter.WithLabels(labels);
        if (value < child.Value)
        {
            // A new process or a reset unit: start the series again rather than pretend the count went on.
            counter.RemoveLabelled(labels);
            child = counter.WithLabels(labels);
        }
        child.IncTo(value);
    }

    public void Sweep() => _published.Sweep(labels => counter.RemoveLabelled(labels));
}

/// <summary>The label sets written by this publish and by the one before.</summary>
internal sealed class PublishedLabels
{
    private HashSet<string[]> _now = new(LabelValuesComparer.Instance);
    private HashSet<string[]> _before = new(LabelValuesComparer.Instance);

    public void Touch(string[] labels) => _now.Add(labels);

    /// <summary>Removes (through <paramref name="remove"/>) what the previous publish wrote and this one did not, and starts the next publish.</summary>
    public void Sweep(Action<string[]> remove)
    {
        foreach (var labels in _before)
            if (!_now.Contains(labels)) remove(labels);
        (_before, _now) = (_now, _before);
        _now.Clear();
    }
}

/// <summary>Label value arrays equal by content (ordinal).</summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>
{
    public static readonly LabelValuesComparer Instance = new();

    public bool Equals(string[]? x, string[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(string[] labels)
    {
        var hash = new HashCode();
        foreach (var l in labels) hash.Add(l, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
