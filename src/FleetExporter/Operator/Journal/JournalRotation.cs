using System.Globalization;
using FleetExporter.Files;
using FleetExporter.Sources.Journal;

namespace FleetExporter.Operator.Journal;

/// <summary>
/// Size-based rotation of the send journal, done by the sender that would take it past <see cref="MaxBytes"/>:
/// <c>sends.jsonl</c> becomes <c>sends.jsonl.1</c> (<c>.1</c> becomes <c>.2</c>, and so on; <see cref="Keep"/> are kept),
/// and the new file starts with a carry line, the totals per agent and verdict of everything before it, so the
/// exporter's counters go on across rotations without counting history twice. The old file is copied, not moved,
/// before the new one replaces it in one rename: a reader always finds a journal under the name.
/// </summary>
public static class JournalRotation
{
    public const long MaxBytes = 16 * 1024 * 1024;
    public const int Keep = 3;

    /// <summary>A journal of someone else's making can name any number of agents; the carry keeps this many, and every roster agent.</summary>
    public const int MaxCarriedAgents = 10_000;

    /// <summary>Rotates <paramref name="path"/> when appending <paramref name="adding"/> bytes would take it past <paramref name="maxBytes"/>.</summary>
    public static bool RotateIfFull(string path, long adding, DateTimeOffset now, long maxBytes = MaxBytes, IReadOnlySet<string>? rosterAgents = null)
    {
        // A link there is refused by the append; rotating would replace it with a file.
        if (new FileInfo(path).LinkTarget is not null) return false;
        var tally = new JournalTally(null, MaxCarriedAgents, rosterAgents);
        using var handle = OpenExisting(path);
        if (handle is null) return false;
        // Not a regular file: the append refuses it with its reason, and nothing is rotated.
        if (NonBlockingFile.NotRegular(handle) is not null) return false;
        var length = RandomAccess.GetLength(handle);
        if (length + adding <= maxBytes || length == 0) return false;
        var tallied = LineReader.Read(handle, 0, length, long.MaxValue, tally.Add);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var fresh = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(fresh, new FileStreamOptions
                   { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                stream.Write(tally.CarryLine(now));
                stream.Flush(flushToDisk: true);
            }
            for (var n = Keep - 1; n >= 1; n--)
                if (File.Exists(Numbered(path, n))) File.Move(Numbered(path, n), Numbered(path, n + 1), overwrite: true);
            CopyExclusive(path, Numbered(path, 1));
            File.Move(fresh, path, overwrite: true);
            // A sender that could not wait for the lock may have appended to the old file meanwhile: those lines
            // are not in the carry, so they go on in the new file.
            var tail = RandomAccess.GetLength(handle) - tallied;
            if (tail > 0)
            {
                var bytes = new byte[tail];
                var got = RandomAccess.Read(handle, bytes, tallied);
                var end = got > 0 ? Array.LastIndexOf(bytes, (byte)'\n', got - 1) : -1;
                if (end >= 0) NonBlockingFile.AppendRegular(path, bytes.AsSpan(0, end + 1));
            }
            return true;
        }
        finally
        {
            try { File.Delete(fresh); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    public static string Numbered(string path, int n) => path + "." + n.ToString(CultureInfo.InvariantCulture);

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenExisting(string path)
    {
        try { return NonBlockingFile.OpenRead(path); }
        catch (FileNotFoundException) { return null; }
    }

    /// <summary>Copies through a fresh file of ours: a link planted at <c>.1</c> is replaced, never written through.</summary>
    private static void CopyExclusive(string from, string to)
    {
        var temp = to + $".{Guid.NewGuid():N}.tmp";
        try
        {
            using (var source = new FileStream(from, FileMode.Open, FileAccess.Read))
            using (var target = new FileStream(temp, new FileStreamOptions
                   { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                source.CopyTo(target);
                target.Flush(flushToDisk: true);
            }
            File.Move(temp, to, overwrite: true);
        }
        finally
        {
            try { File.Delete(temp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
