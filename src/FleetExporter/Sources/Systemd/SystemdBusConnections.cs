namespace FleetExporter.Sources.Systemd;

/// <summary>
/// One open D-Bus connection per address for the whole process, so that a join made per command or per test
/// costs one connect, not one per collection. A failed or dropped connection is made again on next use.
/// </summary>
internal static class SystemdBusConnections
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Task<ManagerConnection>> Open = new(StringComparer.Ordinal);

    /// <summary>The connection to this address, and whether it was made before this call (and may have gone stale since).</summary>
    public static (Task<ManagerConnection> Connecting, bool Reused) Get(string address)
    {
        lock (Gate)
        {
            if (Open.TryGetValue(address, out var existing) && !existing.IsFaulted && !existing.IsCanceled)
                return (existing, true);
            var connecting = Task.Run(() => ManagerConnection.ConnectAsync(address));
            Open[address] = connecting;
            return (connecting, false);
        }
    }

    /// <summary>Forgets a connection that failed (or has a call in flight that nobody will read) and closes it.</summary>
    public static void Drop(Task<ManagerConnection> connecting)
    {
        lock (Gate)
        {
            foreach (var (address, task) in Open)
            {
                if (task != connecting) continue;
                Open.Remove(address);
                break;
            }
        }
        _ = connecting.ContinueWith(static t => { if (t.IsCompletedSuccessfully) t.Result.Dispose(); }, TaskScheduler.Default);
    }
}
