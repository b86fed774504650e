namespace FleetExporter.Agents.Hooks;

/// <summary>
/// An advisory lock per agent (flock, which .NET takes for FileShare.None on Unix). Tried for a short while only:
/// a hook that cannot get it writes anyway, since a lost update costs one beat, a waiting hook costs the agent time.
/// </summary>
internal static class AgentLock
{
    public static IDisposable? TryTake(string path, TimeSpan patience)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None); }
            catch (IOException) when (DateTime.UtcNow < until) { Thread.Sleep(5); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }
    }
}
