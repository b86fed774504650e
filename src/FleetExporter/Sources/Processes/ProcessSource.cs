using System.Diagnostics;

namespace FleetExporter.Sources.Processes;

/// <summary>One pass over /proc per collection.</summary>
public sealed class ProcessSource(string procRoot = "/proc") : IFleetSource<ProcessTable>
{
    public const string Name = "processes";

    string IFleetSource<ProcessTable>.Name => Name;

    public Task<SourceRead<ProcessTable>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        try
        {
            var table = ProcessTable.Read(procRoot);
            Activity.Current?.SetTag("fleet.processes", table.Count);
            return Task.FromResult<SourceRead<ProcessTable>>(table);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SourceFailedException($"cannot read {procRoot}: {e.Message}");
        }
    }
}
