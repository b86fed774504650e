using System.Runtime.InteropServices;

namespace FleetExporter.Operator;

/// <summary>
/// Bytes typed into a terminal that no program has read yet (FIONREAD on the pane's tty). A terminal echoes
/// typed text even when nobody reads it, so a changed pane proves nothing while this is above zero. In
/// canonical mode the kernel counts only complete lines, which is what a submitted message is.
/// </summary>
public static partial class TtyInputQueue
{
    /// <summary>O_RDONLY | O_NOCTTY (never become this terminal's controlling process) | O_NONBLOCK (never wait on it).</summary>
    internal const int OpenToAsk = 0 | 0x100 | 0x800;
    private const nuint FionRead = 0x541B;

    /// <summary>The queued byte count, or null with the reason when the tty cannot be opened or asked.</summary>
    public static (int? Bytes, string? Problem) Read(string ttyPath)
    {
        if (!ttyPath.StartsWith("/dev/", StringComparison.Ordinal))
            return (null, $"\"{ttyPath}\" is not a terminal device");
        var fd = Open(ttyPath, OpenToAsk);
        if (fd < 0) return (null, $"cannot open {ttyPath}: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            return Ioctl(fd, FionRead, out var bytes) < 0
                ? (null, $"FIONREAD on {ttyPath} failed: {Marshal.GetLastPInvokeErrorMessage()}")
                : (bytes, null);
        }
        finally { _ = Close(fd); }
    }

    /// <summary>
    /// The bytes typed into a pane that its reader has not read yet (see <see cref="PaneReader"/>): the sum over the
    /// pane's terminal and every terminal nested on the way to the deepest foreground process, since a program such
    /// as <c>script</c> drains the pane's terminal into a pty whose reader may never read. <see cref="TtyQueueReading.Tty"/>
    /// is the first terminal holding bytes, else the reader's. Null bytes with the reason when a terminal cannot be
    /// asked or named.
    /// </summary>
    public static TtyQueueReading ReadForPane(int? panePid, string paneTty, string procRoot = "/proc")
    {
        var (paths, unnamed) = PaneReader.TerminalPaths(panePid, paneTty, procRoot);
        if (unnamed is not null) return new(null, paneTty, unnamed);
        var total = 0;
        string? holding = null;
        foreach (var path in paths)
        {
            var (bytes, problem) = Read(path);
            if (bytes is null) return new(null, path, problem);
            if (bytes > 0) holding ??= path;
            total += bytes.Value;
        }
        return new(total, holding ?? paths[^1], null);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, out int value);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}

/// <summary>Typed bytes not yet read in a pane (null when unknown, with the reason), and the terminal they wait in.</summary>
public sealed record TtyQueueReading(int? Bytes, string Tty, string? Problem);
