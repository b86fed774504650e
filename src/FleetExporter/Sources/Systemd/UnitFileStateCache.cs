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

/// <summary>
/// What both ways of asking systemd start from: the roster's units, the user's linger flag (user scope), and whether
/// the cached UnitFileStates are too old to reuse this time.
/// </summary>
internal sealed record SystemdAsk(IReadOnlyList<string> Units, bool? Linger, string LingerFile, DateTimeOffset Now,
    IReadOnlyDictionary<string, (string? State, DateTimeOffset At)> Cache, bool RefreshFileState)
{
    public static SystemdAsk For(FleetExporter.Roster.FleetRoster roster, UnitFileStateCache states, TimeProvider clock)
    {
        var lingerFile = Path.Combine(roster.Systemd.LingerDirectory, Environment.UserName);
        bool? linger = roster.Systemd.Scope == FleetExporter.Roster.SystemdScope.User ? File.Exists(lingerFile) : null;
        var units = roster.Agents.Select(a => a.Unit).ToList();
        var now = clock.GetUtcNow();
        var cache = states.Snapshot();
        return new SystemdAsk(units, linger, lingerFile, now, cache, UnitFileStateCache.NeedsRefresh(cache, units, roster.Systemd.UnitFileStateMaxAge, now));
    }

    public SystemdObservation Observation(IReadOnlyDictionary<string, UnitFacts> facts) => new(facts, Linger, LingerFile);
}
