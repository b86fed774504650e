using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FleetExporter.Sources.Heartbeats;

/// <summary>
/// Opens a file for reading without ever blocking: a FIFO (or a socket) put where a heartbeat belongs would
/// otherwise hang open(2) until some writer appeared, and with it every collection. O_NONBLOCK makes that open
/// return at once; the caller then refuses anything that is not seekable, i.e. not a regular file.
/// </summary>
internal static partial class NonBlockingFile
{
    // Same values on x86-64 and arm64 Linux.
    private const int ReadOnly = 0, NonBlock = 0x800, NoControllingTerminal = 0x100, CloseOnExec = 0x80000;
    private const int NoSuchFile = 2, PermissionDenied = 13, NotADirectory = 20;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    public static SafeFileHandle OpenRead(string path)
    {
        var fd = Open(path, ReadOnly | NonBlock | NoControllingTerminal | CloseOnExec);
        if (fd >= 0) return new SafeFileHandle(fd, ownsHandle: true);
        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            NoSuchFile or NotADirectory => new FileNotFoundException("no such file", path),
            PermissionDenied => new UnauthorizedAccessException($"permission denied: {path}"),
            _ => new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
    }
}
