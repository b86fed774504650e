using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Sources;

namespace FleetExporter.Metrics;

/// <summary>
/// The roster as of this scrape: re-read when the file changes, so agents that leave the roster leave the output.
/// Whatever replaces a good roster (a bad one, none, a directory, a FIFO, a device) keeps the last good one in
/// service and reports collector "roster" as failing. Before any roster was loaded the fleet is empty and the
/// collector fails too, so an exporter watching nobody is never mistaken for a healthy one.
/// </summary>
public sealed class RosterProvider(string path)
{
    public const string Name = "roster";

    private readonly Lock _gate = new();
    private FleetRoster? _good;
    private (DateTime Written, long Length)? _loadedStamp;
    private string? _error;

    public string Path => path;

    /// <summary>Why no roster is in service (none was ever loaded), else null.</summary>
    public string? NoRosterReason
    {
        get { lock (_gate) return _good is null ? _error ?? "not read yet" : null; }
    }

    public (FleetRoster Roster, SourceHealth Health) Current()
    {
        var watch = Stopwatch.StartNew();
        lock (_gate)
        {
            // Only a regular file is skipped while unchanged; anything else is tried (and refused) every time,
            // which never blocks: the loader opens non-blocking and refuses what is not a regular file.
            var info = new FileInfo(path);
            (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
            if (stamp is null || stamp != _loadedStamp)
            {
                try
                {
                    _good = RosterLoader.LoadFile(path);
                    _error = null;
                }
                catch (RosterException e)
                {
                    _error = e.Message + (_good is null ? "; serving no agents" : $"; keeping the last good roster ({_good.Agents.Count} agents)");
                }
                _loadedStamp = stamp;
            }
            return (_good ?? RosterLoader.Empty(), new SourceHealth(Name, _error is null, _error, watch.Elapsed));
        }
    }
}
