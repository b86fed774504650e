using System.Globalization;

namespace FleetExporter.Files;

/// <summary>Replaces a file whole: a temporary file in the same directory, flushed, then renamed over the old one.</summary>
public static class AtomicFile
{
    /// <param name="flushToDisk">false for what a crash may lose (a cache): readers still never see half a file.</param>
    public static void Write(string file, ReadOnlySpan<byte> bytes, bool flushToDisk = true)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        Directory.CreateDirectory(dir);
        // Created exclusively under a name nobody can guess: a link planted there is never followed (its target would
        // be overwritten), and two writers never share one.
        var temp = Path.Combine(dir, $".{Path.GetFileName(file)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk);
            }
            File.Move(temp, file, overwrite: true);
        }
        catch
        {
            // Whatever failed (a full disk, a directory where the file belongs), no temporary file is left behind.
            try { File.Delete(temp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            throw;
        }
    }
}
