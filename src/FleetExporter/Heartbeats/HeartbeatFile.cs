using System.Buffers;
using FleetExporter.Files;

namespace FleetExporter.Heartbeats;

/// <summary>
/// One agent's heartbeat file (protocol v1, docs/heartbeat-protocol.md): read without ever blocking (a FIFO or a
/// device there is that agent's HB-INVALID), and the lock that orders every read-modify-write of it (the hooks and
/// the start beat).
/// </summary>
public static class HeartbeatFile
{
    /// <summary>The lock beside the heartbeats that orders one agent's read-modify-writes.</summary>
    public static string LockPath(string heartbeatDirectory, string agent) => Path.Combine(heartbeatDirectory, $".{agent}.hb.lock");

    public static HeartbeatReading Read(string file, TimeSpan interval, DateTimeOffset now)
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
                return HeartbeatParser.Parse(file, buffer.AsSpan(0, total), now, interval);
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
