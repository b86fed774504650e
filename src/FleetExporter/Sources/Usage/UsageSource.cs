using FleetExporter.Roster;
using FleetExporter.Usage;

namespace FleetExporter.Sources.Usage;

/// <summary>One agent's usage as its file gives it: the totals, or why there are none (no file is neither).</summary>
public sealed record UsageReading(UsageTotals? Totals, string? Problem);

/// <summary>The usage of every agent that has a usage file, by agent.</summary>
public sealed record UsageObservation(IReadOnlyDictionary<string, UsageReading> ByAgent);

/// <summary>
/// Reads each agent's <c>&lt;agent&gt;.usage</c> (written by its hooks from its transcripts): a small file per agent,
/// whatever the transcripts' length, so a scrape never reads a transcript. A bad file is that agent's problem, never
/// a failed source.
/// </summary>
public sealed class UsageSource : IFleetSource<UsageObservation>
{
    public const string Name = "usage";

    string IFleetSource<UsageObservation>.Name => Name;

    public Task<SourceRead<UsageObservation>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        var roster = input.Roster;
        var byAgent = new Dictionary<string, UsageReading>(StringComparer.Ordinal);
        foreach (var agent in roster.Agents)
        {
            try
            {
                if (UsageFile.Read(UsageFile.PathFor(roster.Heartbeat.Directory, agent.Name)) is { } totals)
                    byAgent[agent.Name] = new UsageReading(totals, totals.Problem);
            }
            catch (UsageFileException e) { byAgent[agent.Name] = new UsageReading(null, e.Message); }
            // Whatever else one agent's file does, it costs that agent's usage, never the others'.
            catch (Exception e) when (e is not OutOfMemoryException) { byAgent[agent.Name] = new UsageReading(null, $"{e.GetType().Name}: {e.Message}"); }
        }
        return Task.FromResult<SourceRead<UsageObservation>>(new UsageObservation(byAgent));
    }
}
