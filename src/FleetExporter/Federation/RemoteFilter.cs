namespace FleetExporter.Federation;

/// <summary>
/// <c>--tenant</c>, <c>--host</c>, <c>--agent</c>, <c>--flag</c>: each repeatable (any of its values matches), all of them
/// together (every given filter must match). A host whose agents are not known (its row is named <c>-</c>) stays
/// under <c>--tenant</c> and <c>--agent</c>: they may be there, and a missing row would read as "fine".
/// </summary>
public sealed record RemoteFilter(IReadOnlyList<string> Tenants, IReadOnlyList<string> Hosts, IReadOnlyList<string> Agents, IReadOnlyList<string> Flags)
{
    public static readonly RemoteFilter None = new([], [], [], []);

    public RemoteFleetView Apply(RemoteFleetView view)
    {
        var agents = view.Snapshot.Agents.Where(a =>
            Matches(Hosts, a.Host)
            && (a.Spec.Name == RemoteFleetMapper.UnknownAgent || (Matches(Tenants, a.Spec.Tenant) && Matches(Agents, a.Spec.Name)))
            && (Flags.Count == 0 || Flags.Any(f => a.Flags.Contains(f.ToUpperInvariant())))).ToList();
        var hosts = agents.Select(a => a.Host).ToHashSet(StringComparer.Ordinal);
        return new RemoteFleetView(
            view.Snapshot with
            {
                Agents = agents,
                Sources = view.Snapshot.Sources.Where(s => hosts.Contains(s.Source[(s.Source.IndexOf('@') + 1)..])).ToList(),
                Roster = view.Snapshot.Roster with { Agents = agents.Select(a => a.Spec).ToList() },
            },
            view.Hosts.Where(h => hosts.Contains(h.Host)).ToList(),
            view.HostSources.Where(kv => hosts.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
    }

    private static bool Matches(IReadOnlyList<string> wanted, string value) => wanted.Count == 0 || wanted.Contains(value, StringComparer.Ordinal);
}
