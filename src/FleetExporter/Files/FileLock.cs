namespace FleetExporter.Files;

/// <summary>
/// An advisory lock on a file of its own (flock, which .NET takes for FileShare.None on Unix), tried for a bounded
/// while: null when it is not free by then, and the caller decides (a hook writes anyway and logs it, a sender of
/// the journal appends without rotating). A lock path that is a symbolic link is never opened (it would create or
/// lock a file elsewhere): null at once.
/// </summary>
internal static class FileLock
{
    public static IDisposable? TryTake(string path, TimeSpan patience)
    {
        // Never through a link someone planted: opening it would create or lock a file elsewhere.
        if (new FileInfo(path).LinkTarget is not null) return null;
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None); }
            catch (IOException) when (DateTime.UtcNow < until) { Thread.Sleep(5); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }
    }
}
