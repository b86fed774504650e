using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tmds.DBus.Protocol;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// How to connect to a systemd manager at <paramref name="address"/>. A manager's private socket gets a stream of
/// our own (<see cref="PrivateSocketStream"/>); any other address (a bus daemon) the library's own connection.
/// </summary>
internal sealed partial class SystemdBusOptions(string address) : DBusConnectionOptions
{
    protected override async ValueTask<SetupResult> SetupAsync(CancellationToken cancellationToken)
    {
        if (SystemdBusAddress.PrivateSocketPath(address) is not { } path)
            return await base.SetupAsync(cancellationToken);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DBusConnectFailedException($"{path}: {e.Message}");
        }
        return new SetupResult
        {
            ConnectionStream = new PrivateSocketStream(socket),
            // AUTH EXTERNAL names the caller's uid, as the library's default does.
            UserId = GetEffectiveUserId().ToString(CultureInfo.InvariantCulture),
        };
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
