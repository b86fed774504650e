using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Telemetry;

namespace FleetExporter.Sources;

/// <summary>
/// Runs one source the way every source is run: in its own span (<c>source NAME</c>), off the caller's thread (a
/// source that reads files synchronously still runs beside the others), timed, and bounded by the collection's
/// deadline even when the source itself does not stop (a killed subprocess being reaped, a read stuck on a hung
/// file system). Whatever goes wrong becomes the source's failure, never the collection's: the other sources' facts
/// are still reported.
/// </summary>
public static class SourceRunner
{
    public const string DeadlineMissed = "did not finish before the collection deadline";

    public static Task<SourceResult<T>> RunAsync<T>(IFleetSource<T> source, SourceInput input, CancellationToken ct) where T : class =>
        RunAsync(source.Name, c => source.ReadAsync(input, c), ct);

    /// <summary>The source alone, outside a collection (its tests, a one-off read).</summary>
    public static Task<SourceResult<T>> RunAsync<T>(IFleetSource<T> source, FleetRoster roster, CancellationToken ct = default) where T : class =>
        RunAsync(source, new SourceInput(roster), ct);

    public static async Task<SourceResult<T>> RunAsync<T>(string name, Func<CancellationToken, Task<SourceRead<T>>> read, CancellationToken ct) where T : class
    {
        using var span = FleetTelemetry.Source.StartActivity("source " + name);
        var watch = Stopwatch.StartNew();
        string why;
        string? note = null;
        try
        {
            var got = await Task.Run(() => read(ct), CancellationToken.None).WaitAsync(ct);
            if (got.Method is not null) span?.SetTag("fleet.method", got.Method);
            if (got.Note is not null) span?.SetTag("fleet.note", got.Note);
            return SourceResult<T>.Success(name, got.Value, watch.Elapsed) with { Note = got.Note, Method = got.Method };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { why = DeadlineMissed; }
        catch (SourceFailedException e) { (why, note) = (e.Message, e.Note); }
        // A fault no source expected is still only that source's: the scrape goes on, and the health names it.
        catch (Exception e) when (e is not OutOfMemoryException) { why = $"{e.GetType().Name}: {e.Message}"; }
        span?.SetStatus(ActivityStatusCode.Error, why);
        return SourceResult<T>.Failure(name, why, watch.Elapsed) with { Note = note };
    }
}
