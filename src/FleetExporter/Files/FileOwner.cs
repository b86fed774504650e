using System.Runtime.InteropServices;

namespace FleetExporter.Files;

/// <summary>
/// A file's owner, kept across our rewrites: run as root (sudo) on another user's settings, a rewrite by rename
/// would otherwise hand the file, and its backups, to root, and the user's runtime could no longer change it.
/// </summary>
internal static partial class FileOwner
{
    private const int CurrentDirectory = -100, WantUid = 0x8, WantGid = 0x10, StatxSize = 256, UidOffset = 20, GidOffset = 24;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public readonly record struct Owner(uint Uid, uint Gid);

    /// <summary>The user this process acts as.</summary>
    public static uint EffectiveUid => GetEffectiveUserId();

    /// <summary>Who owns the file at <paramref name="path"/> (a link is followed).</summary>
    public static Owner Of(string path)
    {
        var buffer = new byte[StatxSize];
        if (Statx(CurrentDirectory, path, 0, WantUid | WantGid, buffer) != 0)
            throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return new(BitConverter.ToUInt32(buffer, UidOffset), BitConverter.ToUInt32(buffer, GidOffset));
    }

    /// <summary>
    /// Gives the file we just wrote to <paramref name="owner"/>. Only root can give a file away, and anyone else
    /// writes files that are theirs already (the user's own), so nothing is done unless running as root.
    /// </summary>
    public static void Give(string path, Owner owner)
    {
        if (GetEffectiveUserId() != 0 || Of(path) == owner) return;
        if (LChown(path, owner.Uid, owner.Gid) != 0)
            throw new IOException($"cannot give {path} back to uid {owner.Uid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and any missing parents, each given to the owner of the nearest folder
    /// that exists (run as root for another user, a new <c>~/.codex</c> stays that user's); returns that owner.
    /// </summary>
    public static Owner CreateDirectoryAs(string directory)
    {
        var missing = new Stack<string>();
        var existing = Path.GetFullPath(directory);
        while (!Directory.Exists(existing))
        {
            missing.Push(existing);
            existing = Path.GetDirectoryName(existing) ?? "/";
        }
        var owner = Of(existing);
        while (missing.TryPop(out var dir))
        {
            Directory.CreateDirectory(dir);
            Give(dir, owner);
        }
        return owner;
    }
}
