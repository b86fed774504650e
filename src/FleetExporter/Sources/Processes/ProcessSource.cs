using System.Diagnostics;
using FleetExporter.Telemetry;

namespace FleetExporter.Sources.Processes;

/// <summary>One pass over /proc per collection.</summary>
public sealed class ProcessSource(string procRoot = "/proc")
{
    public const string Name = "processes";

    public SourceResult<ProcessTable> Observe()
    {
        using var span = FleetTelemetry.Source.StartActivity("source processes");
        var watch = Stopwatch.StartNew();
        try
        {
            var table = ProcessTable.Read(procRoot);
            span?.SetTag("fleet.processes", table.Count);
            return SourceResult<ProcessTable>.Success(Name, table, watch.Elapsed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            return SourceResult<ProcessTable>.Failure(Name, $"cannot read {procRoot}: {e.Message}", watch.Elapsed);
        }
    }
}
