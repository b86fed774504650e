using Tmds.DBus.Protocol;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// One open D-Bus connection to a systemd manager, and a count of the times the manager said its unit files
/// changed (<c>UnitFilesChanged</c> after an enable or disable, <c>Reloading</c> around a daemon-reload) since it
/// was made. The signals are handled on the connection's read loop in message order, so once a reply to a later
/// call has arrived, every such signal sent before it has been counted.
/// </summary>
internal sealed class ManagerConnection(DBusConnection connection) : IDisposable
{
    internal const string Destination = "org.freedesktop.systemd1";
    internal const string ManagerPath = "/org/freedesktop/systemd1";
    internal const string ManagerInterface = "org.freedesktop.systemd1.Manager";

    private long _unitFileChanges;

    public DBusConnection Bus => connection;

    public long UnitFileChanges => Interlocked.Read(ref _unitFileChanges);

    /// <summary>Starts connecting to <paramref name="address"/>; the connection can be closed before it is made.</summary>
    public static Pending Connect(string address) => new(address);

    /// <summary>A connection being made, or made: <see cref="Close"/> ends it either way (a hung manager never answers the handshake).</summary>
    internal sealed class Pending
    {
        private readonly DBusConnection _connection;
        private int _closed;

        public Pending(string address)
        {
            _connection = new DBusConnection(new SystemdBusOptions(address) { AutoConnect = false });
            Task = System.Threading.Tasks.Task.Run(ConnectAsync);
        }

        public Task<ManagerConnection> Task { get; }

        private async Task<ManagerConnection> ConnectAsync()
        {
            try
            {
                await _connection.ConnectAsync();
                var manager = new ManagerConnection(_connection);
                await manager.WatchUnitFilesAsync();
                return manager;
            }
            catch
            {
                Close();
                throw;
            }
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            _connection.Dispose();
        }
    }

    /// <summary>
    /// On the manager's private socket systemd sends its signals to every client; on a bus only to clients that
    /// called <c>Subscribe</c> and added a match (the match is added only where there is a bus).
    /// </summary>
    private async Task WatchUnitFilesAsync()
    {
        foreach (var member in new[] { "UnitFilesChanged", "Reloading" })
            await connection.AddMatchAsync(
                new MatchRule { Type = MessageType.Signal, Path = ManagerPath, Interface = ManagerInterface, Member = member },
                static (_, _) => true,
                // A completion (the connection closed) counts too: whatever happened after it is unknown.
                static n => Interlocked.Increment(ref ((ManagerConnection)n.State!)._unitFileChanges),
                emitOnCapturedContext: false, flags: ObserverFlags.None, state: this);
        await connection.CallMethodAsync(Subscribe());

        MessageBuffer Subscribe()
        {
            using var writer = connection.GetMessageWriter();
            writer.WriteMethodCallHeader(destination: Destination, path: ManagerPath, @interface: ManagerInterface, member: "Subscribe");
            return writer.CreateMessage();
        }
    }

    public void Dispose() => connection.Dispose();
}
