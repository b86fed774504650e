using System.Text;
using FleetExporter.Files;

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
            var bytes = NonBlockingFile.ReadRegular(path, RosterLoader.MaxBytes).AsSpan();
            if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
            return Encoding.UTF8.GetString(bytes);
        }
        catch (NotRegularFileException e)
        {
            throw Refused(path, e.Kind == "a directory" ? "a directory, not a roster file" : e.Message);
        }
        catch (FileTooLargeException e)
        {
            throw Refused(path, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refused(path, $"cannot read roster: {e.Message}");
        }
    }

    private static RosterException Refused(string path, string problem) => new(path, 0, "(file)", problem);
}
