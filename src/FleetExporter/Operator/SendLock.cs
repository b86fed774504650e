namespace FleetExporter.Operator;

/// <summary>
/// One send at a time per agent: an advisory lock (flock, which .NET takes for FileShare.None on Unix) on the
/// agent's own lock file, held from the first look at the pane to the journaled verdict. Two senders that typed at
/// once would merge their texts into one prompt; the second one waits instead, for a bounded time.
/// </summary>
public static class SendLock
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    /// <summary>The lock file of <paramref name="agent"/>: hidden beside its heartbeat, where every sender of this roster looks.</summary>
    public static string PathFor(string heartbeatDirectory, string agent) => Path.Combine(heartbeatDirectory, $".{agent}.send.lock");

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="patience"/>; null when another sender still holds it then.
    /// </summary>
    /// <exception cref="IOException">The lock file cannot be made or opened (its folder, its permissions).</exception>
    public static async Task<IDisposable?> TakeAsync(string path, TimeSpan patience, CancellationToken ct)
    {
        try { Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!); }
        catch (UnauthorizedAccessException e) { throw new IOException($"cannot make the folder of the send lock {path}: {e.Message}", e); }
        // Never through a link someone planted: it would create or lock a file elsewhere.
        if (new FileInfo(path).LinkTarget is not null) throw new IOException($"the send lock {path} is a symbolic link; remove it");
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (File.Exists(path) && DateTime.UtcNow < until)
            {
                await Task.Delay(Step, ct);
            }
            catch (IOException) when (File.Exists(path))
            {
                return null;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"cannot open the send lock {path}: {e.Message}", e);
            }
        }
    }
}
