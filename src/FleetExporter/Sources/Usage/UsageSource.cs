using System.Collections.Concurrent;
using FleetExporter.Files;
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
public sealed class UsageSource(TimeProvider? clock = null) : IFleetSource<UsageObservation>
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const string Name = "usage";

    string IFleetSource<UsageObservation>.Name => Name;

    /// <summary>
    /// Each file's totals as last read, by path, with the file's identity then (<see cref="NonBlockingFile.Identity"/>):
    /// most agents' files do not change between two scrapes, and parsing one costs far more than asking the kernel.
    /// </summary>
    private readonly ConcurrentDictionary<string, (FileIdentity Identity, UsageTotals Totals)> _read = new(StringComparer.Ordinal);

    public Task<SourceRead<UsageObservation>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        var roster = input.Roster;
        var byAgent = new Dictionary<string, UsageReading>(StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var agent in roster.Agents)
        {
            try
            {
                var path = UsageFile.PathFor(roster.Heartbeat.Directory, agent.Name);
                paths.Add(path);
                if (Read(path) is { } totals)
                    byAgent[agent.Name] = new UsageReading(totals, totals.Problem);
            }
            catch (UsageFileException e) { byAgent[agent.Name] = new UsageReading(null, e.Message); }
            // Whatever else one agent's file does, it costs that agent's usage, never the others'.
            catch (Exception e) when (e is not OutOfMemoryException) { byAgent[agent.Name] = new UsageReading(null, $"{e.GetType().Name}: {e.Message}"); }
        }
        // Agents that left the roster are forgotten.
        foreach (var gone in _read.Keys.Where(k => !paths.Contains(k)).ToList()) _read.TryRemove(gone, out _);
        return Task.FromResult<SourceRead<UsageObservation>>(new UsageObservation(byAgent));
    }

    /// <summary>
    /// What serve exports, without what only the hooks need to count each thing once (the last responses and event
    /// ids, the transcripts' positions): most of a usage file, ~40 KiB an agent held for every scrape.
    /// </summary>
    private static UsageTotals Sums(UsageTotals read) => read with { Recent = [], RecentEvents = [], Transcripts = [] };

    /// <summary>The file's totals, parsed again only when the file changed (any write, or another file in its place).</summary>
    private UsageTotals? Read(string path)
    {
        FileIdentity? identity;
        try
        {
            using var handle = NonBlockingFile.OpenRead(path);
            identity = NonBlockingFile.Identity(handle);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _read.TryRemove(path, out _);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The reader says what is wrong with it.
            _read.TryRemove(path, out _);
            return UsageFile.Read(path) is { } read ? Sums(read) : null;
        }
        if (identity is not null && _read.TryGetValue(path, out var kept) && kept.Identity == identity) return kept.Totals;
        _read.TryRemove(path, out _);
        var totals = UsageFile.Read(path) is { } parsed ? Sums(parsed) : null;
        // A file that changed just now may change again without its identity showing it: kept only once settled.
        if (totals is not null && identity is not null && identity.Settled(_clock.GetUtcNow())) _read[path] = (identity, totals);
        return totals;
    }
}
