using FleetExporter.Fleet;

namespace FleetExporter.Glance;

/// <summary>
/// Which agents need a human, and in which order to show them: raised flags first (the worst flag first), then
/// agents with unknown facts, then those waiting for a human, then the rest; each group in roster order. Works on
/// the flags and state as shown (strings), so rows read from anywhere sort alike.
/// </summary>
public static class Attention
{
    /// <summary>The raised flags, then <c>?</c> when a flag could not be decided: "ok" only when every flag was decided and none is raised.</summary>
    public static IReadOnlyList<string> ShownFlags(AgentStatus a) =>
        AgentFlags.Undecided(a).Count > 0 || a.RuntimeUnknown is not null ? [.. a.Flags, FlagGuide.Unknown] : a.Flags;

    public static bool Needs(IReadOnlyList<string> shownFlags, string state) => shownFlags.Count > 0 || state == FlagGuide.Waiting.Flag;

    /// <summary>Smaller is worse.</summary>
    public static (int Group, int Worst) Rank(IReadOnlyList<string> shownFlags, string state)
    {
        var raised = shownFlags.Where(f => f != FlagGuide.Unknown).ToList();
        if (raised.Count > 0) return (0, raised.Min(FlagGuide.Severity));
        if (shownFlags.Count > 0) return (1, 0);
        return state == FlagGuide.Waiting.Flag ? (2, 0) : (3, 0);
    }

    /// <summary>Stable: equal ranks keep their order.</summary>
    public static IReadOnlyList<T> Sort<T>(IEnumerable<T> items, Func<T, IReadOnlyList<string>> shownFlags, Func<T, string> state) =>
        items.Select((item, index) => (item, index, rank: Rank(shownFlags(item), state(item))))
            .OrderBy(x => x.rank.Group).ThenBy(x => x.rank.Worst).ThenBy(x => x.index)
            .Select(x => x.item).ToList();

    /// <summary>"3 of 40 agents need attention (2 flagged, 1 waiting for a human)", or that none does.</summary>
    public static string Summary(IReadOnlyCollection<(IReadOnlyList<string> Flags, string State)> agents)
    {
        if (agents.Count == 0) return "No agents in the roster.";
        var flagged = agents.Count(a => a.Flags.Any(f => f != FlagGuide.Unknown));
        var unknown = agents.Count(a => a.Flags.Count > 0 && a.Flags.All(f => f == FlagGuide.Unknown));
        var waiting = agents.Count(a => a.Flags.Count == 0 && a.State == FlagGuide.Waiting.Flag);
        var needing = flagged + unknown + waiting;
        var noun = agents.Count == 1 ? "agent" : "agents";
        if (needing == 0) return agents.Count == 1 ? "The 1 agent is fine." : $"All {agents.Count} {noun} are fine.";
        var parts = new[] { (flagged, "flagged"), (unknown, "with unknown facts"), (waiting, "waiting for a human") }
            .Where(p => p.Item1 > 0).Select(p => $"{p.Item1} {p.Item2}");
        return $"{needing} of {agents.Count} {noun} {(needing == 1 ? "needs" : "need")} attention ({string.Join(", ", parts)}).";
    }
}
