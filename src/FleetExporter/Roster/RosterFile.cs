using System.Text;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Roster;

/// <summary>
/// Reads a roster file's text the way heartbeat files are read: opened non-blocking (a FIFO cannot hang ps or
/// serve), refused unless a regular file (a directory, /dev/zero, a socket), and read with a size cap.
/// </summary>
internal static class RosterFile
{
    public static string Read(string path)
    {
        try
        {
            using var handle = NonBlockingFile.OpenRead(path);
            if (NonBlockingFile.NotRegular(handle) is { } kind)
                throw Refused(path, kind == "a directory" ? "a directory, not a roster file" : $"not a regular file ({kind})");
            var buffer = new byte[RosterLoader.MaxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
                total += read;
            if (total > RosterLoader.MaxBytes) throw Refused(path, $"larger than {RosterLoader.MaxBytes} bytes");
            var bytes = buffer.AsSpan(0, total);
            if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
            return Encoding.UTF8.GetString(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refused(path, $"cannot read roster: {e.Message}");
        }
    }

    private static RosterException Refused(string path, string problem) => new(path, 0, "(file)", problem);
}
