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
    private readonly PublishedChildren<Gauge.Child> _published = new(gauge.WithLabels);

    public void Set(double value, string[] labels) => _published.Get(labels).Set(value);

    public void Sweep() => _published.Sweep(labels => gauge.RemoveLabelled(labels));
}

/// <summary>A counter that mirrors a count kept elsewhere (systemd's NRestarts, /proc CPU time); a drop means the count restarted.</summary>
internal sealed class TrackedCounter(Counter counter)
{
    private readonly PublishedChildren<Counter.Child> _published = new(counter.WithLabels);

    public void Set(double value, string[] labels)
    {
        var child = _published.Get(labels);
        if (value < child.Value)
        {
            // A new process or a reset unit: start the series again rather than pretend the count went on.
            counter.RemoveLabelled(labels);
            child = _published.Replace(labels, counter.WithLabels(labels));
        }
        child.IncTo(value);
    }

    public void Sweep() => _published.Sweep(labels => counter.RemoveLabelled(labels));
}

/// <summary>
/// The children written by this publish and by the one before, by label values: a label set seen last time reuses
/// its child without asking the registry again.
/// </summary>
internal sealed class PublishedChildren<TChild>(Func<string[], TChild> create) where TChild : class
{
    private Dictionary<string[], TChild> _now = new(LabelValuesComparer.Instance);
    private Dictionary<string[], TChild> _before = new(LabelValuesComparer.Instance);

    public TChild Get(string[] labels)
    {
        if (_now.TryGetValue(labels, out var child)) return child;
        return _now[labels] = _before.TryGetValue(labels, out var known) ? known : create(labels);
    }

    public TChild Replace(string[] labels, TChild child) => _now[labels] = child;

    /// <summary>Removes (through <paramref name="remove"/>) what the previous publish wrote and this one did not, and starts the next publish.</summary>
    public void Sweep(Action<string[]> remove)
    {
        foreach (var labels in _before.Keys)
            if (!_now.ContainsKey(labels)) remove(labels);
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
