using System.Runtime.InteropServices;

namespace FleetExporter.Web;

/// <summary>
/// glibc's malloc set for a long-running serve. Each gzip page starts a deflate stream whose state (350 KiB in the
/// runtime's zlib-ng) is allocated and freed outside the GC. glibc serves a block that large from a mapping of its own,
/// but once such a mapping is freed it raises its threshold to that size, and the next states come from the arena of
/// whichever pool thread renders: each arena then kept a freed state it could not give back. At 1000 agents, scraped
/// 8-50 at a time, 20 MiB of serve's RSS was such free malloc memory (<c>malloc_info</c>: 0.8 MiB in use). A fixed
/// threshold below the state's size keeps every state in its own mapping, returned whole when it is freed.
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    /// <summary>glibc's default threshold, fixed (a set threshold no longer moves).</summary>
    public const int MmapThreshold = 128 * 1024;

    /// <summary>glibc reads the same setting from this variable at start: the operator's value is kept.</summary>
    public const string MmapThresholdVariable = "MALLOC_MMAP_THRESHOLD_";

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    /// <summary>Fixes the threshold at <see cref="MmapThreshold"/>; false when <see cref="MmapThresholdVariable"/> is set
    /// or the C library does not take it (musl's mallopt does nothing).</summary>
    public static bool FixMmapThreshold()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(MmapThresholdVariable) is not null) return false;
        try { return MallOpt(MmapThresholdParameter, MmapThreshold) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }
}
