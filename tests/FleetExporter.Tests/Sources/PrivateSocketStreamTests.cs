using System.Net.Sockets;
using System.Text;
using FleetExporter.Roster;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Sources;

/// <summary>
/// A real user manager answers a first message sent right behind the end of authentication, as the D-Bus library
/// sends its Hello (systemd leaves such a message unread until more arrives; the stream holds it back until
/// systemd has read <c>BEGIN</c>).
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class PrivateSocketStreamTests(SystemdUserManager systemd)
{
    /// <summary>org.freedesktop.DBus.Hello, serial 1, byte for byte as the library writes it (little-endian, no body).</summary>
    private static readonly byte[] Hello =
    [
        .. "l\u0001\0\u0001\0\0\0\0\u0001\0\0\0u\0\0\0"u8,
        .. "\t\u0001u\0\0\0\0\0"u8,
        .. "\u0001\u0001o\0\u0015\0\0\0/org/freedesktop/DBus\0\0\0"u8,
        .. "\u0002\u0001s\0\u0014\0\0\0org.freedesktop.DBus\0\0\0\0"u8,
        .. "\u0003\u0001s\0\u0005\0\0\0Hello\0\0\0"u8,
        .. "\u0006\u0001s\0\u0014\0\0\0org.freedesktop.DBus\0\0\0\0"u8,
    ];

    [Fact(Timeout = 60_000)]
    public async Task A_message_written_right_behind_BEGIN_is_answered()
    {
        systemd.Require();
        var path = SystemdBusAddress.PrivateSocketPath(SystemdBusAddress.For(SystemdScope.User) ?? "");
        Assert.NotNull(path);
        for (var round = 0; round < 5; round++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            await using var stream = new PrivateSocketStream(socket);
            var uid = Hex(Uid());
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\0AUTH EXTERNAL {uid}\r\n"));
            var line = await ReadAsync(stream, TimeSpan.FromSeconds(10));
            Assert.StartsWith("OK ", Encoding.ASCII.GetString(line));

            await stream.WriteAsync("BEGIN\r\n"u8.ToArray());
            await stream.WriteAsync(Hello);
            var types = await MessageTypesUntilAnswerAsync(stream, TimeSpan.FromSeconds(10));

            // A method return (2) or an error (3; a manager is no bus): either way an answer. systemd sends its signals
            // to every direct connection unasked, so units that other tests start can put signals (4) before it.
            Assert.True(types.Count > 0 && types[^1] is 2 or 3, $"round {round}: no answer to the first message (message types read: [{string.Join(", ", types)}])");
        }
    }

    /// <summary>The types of the whole messages read until the first that is not a signal, or until the time is up.</summary>
    private static async Task<List<byte>> MessageTypesUntilAnswerAsync(Stream stream, TimeSpan within)
    {
        var types = new List<byte>();
        var pending = new List<byte>();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var read = await ReadAsync(stream, TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks)));
            if (read.Length == 0) break;
            pending.AddRange(read);
            while (pending.Count >= 16)
            {
                Assert.Equal((byte)'l', pending[0]); // systemd writes in its own byte order: little-endian here
                var fields = BitConverter.ToInt32([.. pending[12..16]]);
                var length = 16 + (fields + 7) / 8 * 8 + BitConverter.ToInt32([.. pending[4..8]]);
                if (pending.Count < length) break;
                types.Add(pending[1]);
                if (pending[1] != 4) return types;
                pending.RemoveRange(0, length);
            }
        }
        return types;
    }

    private static async Task<byte[]> ReadAsync(Stream stream, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try { return buffer[..await stream.ReadAsync(buffer, cts.Token)]; }
        catch (OperationCanceledException) { return []; }
    }

    private static string Uid() => File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[2];

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(text));
}
