namespace FleetExporter.Sources.Systemd;

/// <summary>
/// One open D-Bus connection per address for the whole process, so that a join made per command or per test
/// costs one connect, not one per collection. A failed or dropped connection is made again on next use, and closed
/// at once, also while it is still connecting: a hung manager would otherwise keep one socket per scrape open.
/// </summary>
internal static class SystemdBusConnections
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, ManagerConnection.Pending> Open = new(StringComparer.Ordinal);

    /// <summary>The connection to this address, and whether it was made before this call (and may have gone stale since).</summary>
    public static (ManagerConnection.Pending Connecting, bool Reused) Get(string address)
    {
        lock (Gate)
        {
            if (Open.TryGetValue(address, out var existing) && !existing.Task.IsFaulted && !existing.Task.IsCanceled)
                return (existing, true);
            var connecting = ManagerConnection.Connect(address);
            Open[address] = connecting;
            return (connecting, false);
        }
    }

    /// <summary>Forgets a connection that failed (or has a call in flight that nobody will read) and closes it.</summary>
    public static void Drop(ManagerConnection.Pending connecting)
    {
        lock (Gate)
        {
            foreach (var (address, pending) in Open)
            {
                if (pending != connecting) continue;
                Open.Remove(address);
                break;
            }
        }
        connecting.Close();
    }
}
