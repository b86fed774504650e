namespace FleetExporter.Sources;

/// <summary>
/// One source's answer for one collection: its facts, or why it has none. A failed source marks only its own
/// facts unknown; the join still reports everything else.
/// </summary>
public sealed record SourceResult<T>(string Source, T? Value, string? Error, TimeSpan Duration) where T : class
{
    public bool Ok => Error is null;

    /// <summary>Something the source's health should say even when it succeeded (it fell back to another way).</summary>
    public string? Note { get; init; }

    /// <summary>How a source with more than one way of reading its facts read them this time (systemd: dbus or systemctl); null otherwise, or when it failed.</summary>
    public string? Method { get; init; }

    public static SourceResult<T> Success(string source, T value, TimeSpan duration) => new(source, value, null, duration);
    public static SourceResult<T> Failure(string source, string error, TimeSpan duration) => new(source, null, error, duration);
}

/// <summary>The health of one source in one collection, as exported and shown.</summary>
public sealed record SourceHealth(string Source, bool Ok, string? Error, TimeSpan Duration)
{
    public string? Note { get; init; }

    /// <summary>See <see cref="SourceResult{T}.Method"/>.</summary>
    public string? Method { get; init; }

    /// <summary>Every way the source can read its facts (<see cref="IFleetSource{T}.Methods"/>), of which <see cref="Method"/> is one.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    public static SourceHealth Of<T>(SourceResult<T> r) where T : class =>
        new(r.Source, r.Ok, r.Error, r.Duration) { Note = r.Note, Method = r.Ok ? r.Method : null };
}
