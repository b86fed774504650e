using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Journal;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Sources.Usage;

namespace FleetExporter.Fleet;

/// <summary>
/// Every source the join runs, in the order their health is exported. They all start at once, each through
/// <see cref="SourceRunner"/>; one that needs another's facts awaits them (<see cref="SourceInput.ResultOf{T}"/>).
/// A new source is one file under <c>Sources/</c> and one <see cref="Add{T}"/> line in <see cref="Standard"/>.
/// </summary>
public sealed class FleetSources
{
    private readonly IReadOnlyList<IRegistration> _all;

    private FleetSources(IReadOnlyList<IRegistration> all) => _all = all;

    public static FleetSources None { get; } = new([]);

    public static FleetSources Standard(ISystemdSource systemd, TmuxSource tmux, ProcessSource processes, HeartbeatSource heartbeats) =>
        None.Add(systemd)
            .Add(tmux)
            .Add(tmux.Screens)
            .Add(processes)
            .Add(heartbeats)
            .Add(new SendJournalSource())
            .Add(new UsageSource());

    /// <summary>These sources and one more; its facts' type must be its own (that is how the join and other sources find them).</summary>
    public FleetSources Add<T>(IFleetSource<T> source) where T : class
    {
        if (_all.Any(r => r.Facts == typeof(T)))
            throw new ArgumentException($"two sources of {typeof(T).Name}: {_all.First(r => r.Facts == typeof(T)).Name} and {source.Name}", nameof(source));
        return new([.. _all, new Registration<T>(source)]);
    }

    public IEnumerable<string> Names => _all.Select(r => r.Name);

    /// <summary>
    /// The sources a large fleet may turn off (<c>--no-collector.NAME</c>), with what each costs and what is lost;
    /// systemd and tmux are not among them: every agent's status rests on them, and the screens need tmux's listing.
    /// </summary>
    public static IReadOnlyList<(string Name, string Loses)> Optional { get; } =
    [
        (ProcessSource.Name, "one pass over /proc per collection; without it DRIFT is unknown and the runtime's memory, CPU and start time are not exported"),
        (PaneTextSource.Name, "one tmux capture per collection of the agents whose runtime has screen patterns; without it a state comes from the hooks alone"),
        (HeartbeatSource.Name, "one read of each agent's heartbeat file; without it the heartbeat series, the hooks' states and HB-* flags are unknown"),
        (SendJournalSource.Name, "one read of the send journal; without it fleet_agent_sends_total is not exported"),
        (UsageSource.Name, "one stat (a parse when it changed) of each agent's usage file; without it no token, cost, context or event series"),
    ];

    /// <summary>These sources but those named; a name that is not in <see cref="Optional"/> throws.</summary>
    public FleetSources Without(IReadOnlyCollection<string> names)
    {
        if (names.FirstOrDefault(n => Optional.All(o => o.Name != n)) is { } unknown)
            throw new ArgumentException($"no collector \"{unknown}\" can be turned off (those that can: {string.Join(", ", Optional.Select(o => o.Name))})", nameof(names));
        return names.Count == 0 ? this : new([.. _all.Where(r => !names.Contains(r.Name))]);
    }

    /// <summary>Runs every source for one collection, bounded by <paramref name="ct"/> (the deadline), and returns their results.</summary>
    public async Task<CollectedFacts> RunAsync(FleetRoster roster, CancellationToken ct)
    {
        var runs = _all.Select(r => r.NewRun()).ToList();
        var input = new SourceInput(roster, runs.ToDictionary(r => r.Facts, r => r.Result));
        await Task.WhenAll(runs.Select(r => r.RunAsync(input, ct)));
        return new CollectedFacts(runs);
    }

    private interface IRegistration
    {
        Type Facts { get; }
        string Name { get; }
        ISourceRun NewRun();
    }

    private sealed class Registration<T>(IFleetSource<T> source) : IRegistration where T : class
    {
        public Type Facts => typeof(T);
        public string Name => source.Name;
        public ISourceRun NewRun() => new SourceRun<T>(source);
    }
}

/// <summary>One source's run in one collection: its result is a task that other sources of the collection may await.</summary>
internal interface ISourceRun
{
    Type Facts { get; }
    Task Result { get; }
    SourceHealth Health { get; }
    Task RunAsync(SourceInput input, CancellationToken ct);
}

internal sealed class SourceRun<T>(IFleetSource<T> source) : ISourceRun where T : class
{
    private readonly TaskCompletionSource<SourceResult<T>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Type Facts => typeof(T);
    public Task Result => _done.Task;
    public SourceResult<T> Value => _done.Task.Result;
    public SourceHealth Health => SourceHealth.Of(_done.Task.Result) with { Methods = source.Methods };

    public async Task RunAsync(SourceInput input, CancellationToken ct) => _done.SetResult(await SourceRunner.RunAsync(source, input, ct));
}

/// <summary>The results of one collection's sources, by the type of their facts, and their health in registration order.</summary>
public sealed class CollectedFacts
{
    private readonly IReadOnlyList<ISourceRun> _runs;

    internal CollectedFacts(IReadOnlyList<ISourceRun> runs) => _runs = runs;

    public IReadOnlyList<SourceHealth> Health => [.. _runs.Select(r => r.Health)];

    /// <summary>The result of the source of <typeparamref name="T"/>; a failure when none was registered.</summary>
    public SourceResult<T> Get<T>() where T : class =>
        _runs.OfType<SourceRun<T>>().FirstOrDefault()?.Value
        ?? SourceResult<T>.Failure(typeof(T).Name, $"no source of {typeof(T).Name} in this collection", TimeSpan.Zero);
}
