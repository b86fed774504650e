using System.Buffers;
using System.Diagnostics;
using FleetExporter.Files;
using FleetExporter.Roster;
using FleetExporter.Telemetry;

namespace FleetExporter.Sources.Heartbeats;

/// <summary>Reads each agent's <c>&lt;dir&gt;/&lt;agent&gt;.hb</c>. A bad file is that agent's HB-INVALID, never a source failure.</summary>
public sealed class HeartbeatSource(TimeProvider clock)
{
    public const string Name = "heartbeat";

    public SourceResult<IReadOnlyDictionary<string, HeartbeatReading>> Observe(FleetRoster roster)
    {
        using var span = FleetTelemetry.Source.StartActivity("source heartbeat");
        var watch = Stopwatch.StartNew();
        var readings = new Dictionary<string, HeartbeatReading>(StringComparer.Ordinal);
        foreach (var agent in roster.Agents)
            readings[agent.Name] = Read(roster.Heartbeat.FileFor(agent.Name), agent.HeartbeatInterval);
        return SourceResult<IReadOnlyDictionary<string, HeartbeatReading>>.Success(Name, readings, watch.Elapsed);
    }

    public HeartbeatReading Read(string file, TimeSpan interval)
    {
        try
        {
            using var handle = NonBlockingFile.OpenRead(file);
            try { RandomAccess.GetLength(handle); }
            catch (NotSupportedException)
            {
                return new HeartbeatReading(HeartbeatState.Invalid, file, "not a regular file (a FIFO or socket?)", null, null, interval, null, null, null);
            }
            // Pooled: a fresh 64 KiB buffer per agent per collection was most of what a collection allocated.
            var buffer = ArrayPool<byte>.Shared.Rent(HeartbeatParser.MaxBytes + 1);
            try
            {
                var total = 0;
                int read;
                while (total < HeartbeatParser.MaxBytes + 1
                       && (read = RandomAccess.Read(handle, buffer.AsSpan(total, HeartbeatParser.MaxBytes + 1 - total), total)) > 0)
                    total += read;
                return HeartbeatParser.Parse(file, buffer.AsSpan(0, total), clock.GetUtcNow(), interval);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // A file where the directory belongs is a misconfiguration to show, not an agent that never beat.
            if (Path.GetDirectoryName(file) is { Length: > 0 } dir && File.Exists(dir))
                return new HeartbeatReading(HeartbeatState.Invalid, file, $"heartbeat directory {dir} is not a directory", null, null, interval, null, null, null);
            return new HeartbeatReading(HeartbeatState.Missing, file, "no heartbeat file", null, null, interval, null, null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HeartbeatReading(HeartbeatState.Invalid, file, $"unreadable: {e.Message}", null, null, interval, null, null, null);
        }
    }
}
