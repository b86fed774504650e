using System.Runtime.InteropServices;

namespace FleetExporter.Web;

/// <summary>
/// The open-file limit serve runs under (the .NET runtime raises the soft limit to the hard one at start, as Go does).
/// Each connection holds a descriptor, and at the limit (1024 under a user manager's default) the runtime aborted
/// ("Out of memory.") once a client held about a thousand idle connections. So Kestrel holds at most half of the
/// limit as connections (more are closed at once), leaving the rest for the collections' subprocesses and files.
/// </summary>
internal static partial class OpenFileLimit
{
    private const int NoFile = 7; // RLIMIT_NOFILE on x86-64 and arm64 Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    /// <summary>The soft limit, or null when it cannot be read.</summary>
    public static ulong? Soft() => GetRLimit(NoFile, out var limit) == 0 ? limit.Soft : null;

    /// <summary>How many connections Kestrel may hold under <paramref name="soft"/> descriptors: half, at least 16.</summary>
    public static long MaxConnections(ulong? soft) => soft is { } s ? (long)Math.Clamp(s / 2, 16UL, 1UL << 20) : 512;
}
