using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// The connection to a systemd manager's private socket. systemd (252 here) reads the end of authentication
/// (<c>BEGIN</c>) into a buffer and does not look at what came with it until the socket is readable again: a
/// first message sent right behind <c>BEGIN</c> waits unanswered for ever (the client's Hello did in most
/// connections of the native binary, which is fast enough to send both in one read of systemd's). So once
/// <c>BEGIN</c> is written, this waits until systemd has read it (the socket's send queue is empty) before it
/// lets anything else through.
/// </summary>
internal sealed partial class PrivateSocketStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    private static readonly TimeSpan ReadBeginWithin = TimeSpan.FromSeconds(2);
    private bool _begun;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await base.WriteAsync(buffer, cancellationToken);
        if (_begun || !buffer.Span.SequenceEqual("BEGIN\r\n"u8))
            return;
        _begun = true;
        // A bounded wait: should systemd not read it, the caller's own deadline decides, as before.
        var deadline = DateTime.UtcNow + ReadBeginWithin;
        while (Unread() > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(1, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Bytes written that the peer has not read yet (SIOCOUTQ); 0 when that cannot be told.</summary>
    private int Unread()
    {
        var handle = Socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Ioctl((int)handle.DangerousGetHandle(), SiocOutq, out var bytes) == 0 ? bytes : 0;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const nuint SiocOutq = 0x5411;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, out int value);
}
