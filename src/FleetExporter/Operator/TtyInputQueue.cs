using System.Runtime.InteropServices;

namespace FleetExporter.Operator;

/// <summary>
/// Bytes typed into a terminal that no program has read yet (FIONREAD on the pane's tty). A terminal echoes
/// typed text even when nobody reads it, so a changed pane proves nothing while this is above zero. In
/// canonical mode the kernel counts only complete lines, which is what a submitted message is.
/// </summary>
public static partial class TtyInputQueue
{
    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const nuint FionRead = 0x541B;

    /// <summary>The queued byte count, or null with the reason when the tty cannot be opened or asked.</summary>
    public static (int? Bytes, string? Problem) Read(string ttyPath)
    {
        if (!ttyPath.StartsWith("/dev/", StringComparison.Ordinal))
            return (null, $"\"{ttyPath}\" is not a terminal device");
        // O_NOCTTY: never become this terminal's controlling process; O_NONBLOCK: never wait on it.
        var fd = Open(ttyPath, ORdOnly | ONoCtty | ONonBlock);
        if (fd < 0) return (null, $"cannot open {ttyPath}: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            return Ioctl(fd, FionRead, out var bytes) < 0
                ? (null, $"FIONREAD on {ttyPath} failed: {Marshal.GetLastPInvokeErrorMessage()}")
                : (bytes, null);
        }
        finally { _ = Close(fd); }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, out int value);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
