using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Journal;
using FleetExporter.Sources.Tmux;

namespace FleetExporter.Tests.Sources;

/// <summary>One source run alone through <see cref="SourceRunner"/>, as the join runs it, for the sources' own tests.</summary>
internal static class SourceCalls
{
    public static Task<SourceResult<T>> ObserveAsync<T>(this IFleetSource<T> source, FleetRoster roster, CancellationToken ct = default) where T : class =>
        SourceRunner.RunAsync(source, roster, ct);

    public static SourceResult<SendCounts> Observe(this SendJournalSource source, string path, IReadOnlySet<string>? agents = null) =>
        SourceRunner.RunAsync(SendJournalSource.Name, _ => Task.FromResult(source.Read(path, agents)), CancellationToken.None).GetAwaiter().GetResult();

    public static Task<SourceResult<IReadOnlyDictionary<string, string>>> CaptureResultAsync(this PaneTextSource source, TmuxSettings tmux, IReadOnlyList<string> paneIds, CancellationToken ct) =>
        SourceRunner.RunAsync<IReadOnlyDictionary<string, string>>(PaneTextSource.Name, async c => new(await source.CaptureAsync(tmux, paneIds, c)), ct);
}
