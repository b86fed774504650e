namespace FleetExporter.Sources.Systemd;

/// <summary>
/// UnitFileState per unit with when it was read, shared by both systemd sources: it changes only when someone
/// enables or disables a unit, so it is asked for only when a unit's value is older than
/// <c>systemd.unit_file_state_max_age</c>. Replaced whole after each refresh, so readers never see it half-written.
/// </summary>
public sealed class UnitFileStateCache
{
    private readonly Lock _gate = new();
    private Dictionary<string, (string? State, DateTimeOffset At)> _states = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (string? State, DateTimeOffset At)> Snapshot()
    {
        lock (_gate) return _states;
    }

    public static bool NeedsRefresh(IReadOnlyDictionary<string, (string? State, DateTimeOffset At)> cached, IEnumerable<string> units, TimeSpan maxAge, DateTimeOffset now) =>
        units.Any(u => !cached.TryGetValue(u, out var c) || now - c.At > maxAge);

    public void Refreshed(IReadOnlyDictionary<string, UnitFacts> facts, DateTimeOffset now)
    {
        var states = facts.Values.ToDictionary(f => f.Unit, f => (f.UnitFileState, now), StringComparer.Ordinal);
        lock (_gate) _states = states;
    }
}
