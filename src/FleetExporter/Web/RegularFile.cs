using System.Runtime.InteropServices;
using FleetExporter.Sources.Heartbeats;
using Microsoft.Win32.SafeHandles;

namespace FleetExporter.Web;

/// <summary>
/// Reads a small file named by the operator (the web config, a certificate, a key) without ever blocking or
/// swallowing a device: opened non-blocking, refused unless it is a regular file, read with a cap. A FIFO would
/// otherwise hang start-up silently and <c>/dev/zero</c> fill the memory.
/// </summary>
internal static partial class RegularFile
{
    public const int MaxBytes = 1 << 20;

    /// <summary>The file's bytes; an <see cref="IOException"/> with a plain reason when it is missing, not a regular file or too big.</summary>
    public static byte[] ReadAll(string path, int maxBytes = MaxBytes)
    {
        SafeFileHandle handle;
        try { handle = NonBlockingFile.OpenRead(path); }
        catch (FileNotFoundException) { throw new IOException("no such file"); }
        catch (UnauthorizedAccessException) { throw new IOException("permission denied"); }
        using (handle)
        {
            var type = FileType(handle);
            if (type != RegularType)
                throw new IOException(type == DirectoryType ? "is a directory, not a file" : "not a regular file (a FIFO, socket or device)");
            var buffer = new byte[maxBytes + 1];
            var total = 0;
            int read;
            while (total <= maxBytes && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0) total += read;
            if (total > maxBytes) throw new IOException($"over {maxBytes / 1024} KiB, too big for this file");
            return buffer[..total];
        }
    }

    private const int TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000;
    private const int AtEmptyPath = 0x1000, StatxType = 0x1, ModeOffset = 0x1C, StatxSize = 0x100;

    /// <summary>S_IFMT of the open file, from statx(2), whose layout is the same on every architecture.</summary>
    private static int FileType(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        var ok = false;
        handle.DangerousAddRef(ref ok);
        try
        {
            if (Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
                throw new IOException($"cannot stat: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        finally { if (ok) handle.DangerousRelease(); }
        return BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte statx);
}
