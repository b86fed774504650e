using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Sources;

namespace FleetExporter.Metrics;

/// <summary>
/// The roster as of this scrape: re-read when the file changes, so agents that leave the roster leave the output.
/// A roster that turns bad keeps the last good one in service and reports collector "roster" as failing. No file
/// (serve started before any roster exists) is an empty fleet, picked up as soon as the file appears.
/// </summary>
public sealed class RosterProvider(string path)
{
    public const string Name = "roster";

    private readonly Lock _gate = new();
    private FleetRoster _current = RosterLoader.Empty();
    private (DateTime Written, long Length)? _loadedStamp;
    private string? _error;

    public string Path => path;

    public bool FileExists => File.Exists(path);

    public (FleetRoster Roster, SourceHealth Health) Current()
    {
        var watch = Stopwatch.StartNew();
        lock (_gate)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                _current = RosterLoader.Empty();
                _loadedStamp = null;
                _error = null;
            }
            else if (_loadedStamp != (info.LastWriteTimeUtc, info.Length))
            {
                try
                {
                    _current = RosterLoader.LoadFile(path);
                    _error = null;
                }
                catch (RosterException e)
                {
                    _error = e.Message;
                }
                _loadedStamp = (info.LastWriteTimeUtc, info.Length);
            }
            return (_current, new SourceHealth(Name, _error is null, _error, watch.Elapsed));
        }
    }
}
