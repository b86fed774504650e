using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FleetExporter.Files;

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

    private const int WriteOnly = 0x1, Create = 0x40, Append = 0x400, NoFollow = 0x20000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenCreate(string path, int flags, uint mode);

    /// <summary>
    /// Appends <paramref name="bytes"/> in one write to a log someone else may have tampered with: opened
    /// non-blocking (a FIFO there would block until a reader came), never through a symlink, created 0600 when
    /// missing, and refused unless a regular file (<see cref="NotRegularFileException"/>).
    /// </summary>
    public static void AppendRegular(string path, ReadOnlySpan<byte> bytes, bool flushToDisk = false)
    {
        var fd = OpenCreate(path, WriteOnly | Create | Append | NonBlock | NoFollow | NoControllingTerminal | CloseOnExec, 0x180);
        if (fd < 0)
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (NotRegular(handle) is { } kind) throw new NotRegularFileException(kind);
        // With O_APPEND, Linux writes at the end whatever offset pwrite(2) is given.
        RandomAccess.Write(handle, bytes, 0);
        if (flushToDisk) RandomAccess.FlushToDisk(handle);
    }

    // statx(2) on the open descriptor (AT_EMPTY_PATH): its layout, unlike struct stat's, is the same on every architecture.
    private const int EmptyPath = 0x1000, WantType = 0x1, StatxSize = 256, ModeOffset = 28;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(SafeFileHandle dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    /// <summary>Null for a regular file, else what the open file is ("a directory", "a FIFO", ...), for a refusal.</summary>
    public static string? NotRegular(SafeFileHandle handle)
    {
        var buffer = new byte[StatxSize];
        if (Statx(handle, "", EmptyPath, WantType, buffer) != 0)
            throw new IOException($"cannot stat: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return (BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a file",
        };
    }

    private const int WantInode = 0x100, InodeOffset = 32;

    /// <summary>The open file's inode: a file replaced under the same name (a rotation) has another.</summary>
    public static ulong Inode(SafeFileHandle handle)
    {
        var buffer = new byte[StatxSize];
        if (Statx(handle, "", EmptyPath, WantInode, buffer) != 0)
            throw new IOException($"cannot stat: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return BitConverter.ToUInt64(buffer, InodeOffset);
    }

    private const uint WantBasicStats = 0x7ff, WantIdentity = 0x100 | 0x200 | 0x40 | 0x80;

    /// <summary>
    /// Which file this is and which version of it: device, inode, size, modification and change times to the
    /// nanosecond, and when it last changed. A write changes the change time, which no one can set back; but the clock
    /// it is taken from may advance only every few milliseconds (before Linux 6.13), so a file that changed very
    /// recently may change again under the same identity: see <see cref="FileIdentity.Settled"/>. Null when the file
    /// system does not give all of them.
    /// </summary>
    public static FileIdentity? Identity(SafeFileHandle handle)
    {
        var b = new byte[StatxSize];
        if (Statx(handle, "", EmptyPath, WantBasicStats, b) != 0)
            throw new IOException($"cannot stat: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        if ((BitConverter.ToUInt32(b, 0) & WantIdentity) != WantIdentity) return null;
        static string Time(byte[] b, int at) => $"{BitConverter.ToInt64(b, at)}.{BitConverter.ToUInt32(b, at + 8):D9}";
        var changed = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(BitConverter.ToInt64(b, 96), 0, 253402300799)).AddTicks(BitConverter.ToUInt32(b, 104) / 100);
        return new FileIdentity($"{BitConverter.ToUInt32(b, 136)}:{BitConverter.ToUInt32(b, 140)}:{BitConverter.ToUInt64(b, InodeOffset)}:{BitConverter.ToUInt64(b, 40)}:{Time(b, 112)}:{Time(b, 96)}", changed);
    }

    /// <summary>
    /// A small file's bytes, never blocking and never swallowing a device: opened non-blocking, refused unless a
    /// regular file (<see cref="NotRegularFileException"/> says what it is), read up to <paramref name="maxBytes"/>
    /// (<see cref="FileTooLargeException"/> beyond). A missing file is a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static byte[] ReadRegular(string path, int maxBytes)
    {
        using var handle = OpenRead(path);
        if (NotRegular(handle) is { } kind) throw new NotRegularFileException(kind);
        var buffer = new byte[maxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0) total += read;
        if (total > maxBytes) throw new FileTooLargeException(maxBytes);
        return buffer[..total];
    }

    /// <summary>The path the kernel opened for this handle, every link resolved (what /proc/self/fd shows); null when unknown.</summary>
    public static string? RealPath(SafeFileHandle handle) =>
        new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;

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

/// <summary>The path names something other than a regular file; <see cref="Kind"/> says what ("a directory", "a FIFO", ...).</summary>
internal sealed class NotRegularFileException(string kind) : IOException($"not a regular file ({kind})")
{
    public string Kind => kind;
}

/// <summary>The file is larger than its reader accepts.</summary>
internal sealed class FileTooLargeException(int maxBytes) : IOException($"larger than {maxBytes} bytes")
{
    public int MaxBytes => maxBytes;
}

/// <summary>A file's identity as <see cref="NonBlockingFile.Identity"/> gives it, and when it last changed.</summary>
public sealed record FileIdentity(string Key, DateTimeOffset Changed)
{
    /// <summary>How long after a change a file may change again without its times moving (a coarse clock tick, with room).</summary>
    public static readonly TimeSpan Granularity = TimeSpan.FromSeconds(2);

    /// <summary>Whether a cache may keep what was read under this identity at <paramref name="now"/>: the file did not change just now.</summary>
    public bool Settled(DateTimeOffset now) => now - Changed >= Granularity;
}
