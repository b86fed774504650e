using FleetExporter.Roster;

namespace FleetExporter.Sources;

/// <summary>
/// A source of facts about the fleet: one file that says what it reads, once per collection. Everything around the
/// read (its span, its duration, the collection's deadline, turning a failure into its health) is
/// <see cref="SourceRunner"/>'s, the same for every source; the join runs every source registered in
/// the fleet's list of sources (FleetSources).
/// </summary>
/// <typeparam name="T">The facts it gives; one source per type in a collection, which is how others find them.</typeparam>
public interface IFleetSource<T> where T : class
{
    /// <summary>The name exported as <c>fleet_collector_success{collector=...}</c> and shown on the landing page.</summary>
    string Name { get; }

    /// <summary>The ways it can read its facts, exported as the state set <c>fleet_collector_method</c>; none when it has one way.</summary>
    IReadOnlyList<string> Methods => [];

    /// <summary>
    /// Reads this collection's facts. A failure is thrown as <see cref="SourceFailedException"/> (its message is the
    /// health's error); <paramref name="ct"/> is the collection's deadline.
    /// </summary>
    Task<SourceRead<T>> ReadAsync(SourceInput input, CancellationToken ct);
}

/// <summary>What a source read, and what its health should say beside it.</summary>
public sealed record SourceRead<T>(T Value) where T : class
{
    /// <summary>See <see cref="SourceResult{T}.Note"/>.</summary>
    public string? Note { get; init; }

    /// <summary>See <see cref="SourceResult{T}.Method"/>.</summary>
    public string? Method { get; init; }

    public static implicit operator SourceRead<T>(T value) => new(value);
}

/// <summary>A source could not read its facts; the message says why, as the health shows it.</summary>
public sealed class SourceFailedException(string message, string? note = null) : Exception(message)
{
    /// <summary>See <see cref="SourceResult{T}.Note"/> (systemd: D-Bus failed, and so did the systemctl it fell back to).</summary>
    public string? Note { get; } = note;
}

/// <summary>What every source of one collection reads from: the roster, and the other sources' results.</summary>
public sealed class SourceInput(FleetRoster roster, IReadOnlyDictionary<Type, Task>? results = null)
{
    public FleetRoster Roster { get; } = roster;

    /// <summary>
    /// The result of the source of <typeparamref name="T"/> in the same collection, once it is done (the screens wait
    /// for the pane list). Asked of a source run alone, it is a failure that says so.
    /// </summary>
    public Task<SourceResult<T>> ResultOf<T>() where T : class =>
        results?.GetValueOrDefault(typeof(T)) is Task<SourceResult<T>> result
            ? result
            : Task.FromResult(SourceResult<T>.Failure(typeof(T).Name, $"no source of {typeof(T).Name} in this collection", TimeSpan.Zero));
}
