namespace FleetExporter.Agents.Hooks;

/// <summary>
/// An advisory lock per agent (flock, which .NET takes for FileShare.None on Unix). Tried for a short while only:
/// a hook that cannot get it writes anyway, since a lost update costs one beat, a waiting hook costs the agent time.
/// A lock path that is a symbolic link is never opened: the writer goes on without the lock (and says so).
/// </summary>
internal static class AgentLock
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
