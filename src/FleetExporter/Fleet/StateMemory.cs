using System.Collections.Concurrent;
using FleetExporter.Agents.State;

namespace FleetExporter.Fleet;

/// <summary>
/// The last state seen per agent, so that a state read from a screen keeps the time it was entered from one
/// collection to the next. Held by a long-lived join (serve); a one-shot join (ps) starts empty.
/// </summary>
public sealed class StateMemory
{
    private readonly ConcurrentDictionary<string, AgentState> last = new(StringComparer.Ordinal);

    public AgentState? Previous(string agent) => last.GetValueOrDefault(agent);

    public void Remember(string agent, AgentState state) => last[agent] = state;

    /// <summary>Agents that left the roster are forgotten, so the memory is bounded by the roster.</summary>
    public void Keep(IReadOnlyCollection<string> agents)
    {
        var keep = agents.ToHashSet(StringComparer.Ordinal);
        foreach (var name in last.Keys.Where(n => !keep.Contains(n)).ToList()) last.TryRemove(name, out _);
    }
}
