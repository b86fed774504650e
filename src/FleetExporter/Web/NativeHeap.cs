using System.Runtime.InteropServices;

namespace FleetExporter.Web;

/// <summary>
/// glibc's malloc set for a long-running serve. Each gzip page starts a deflate stream whose state (350 KiB in the
/// runtime's zlib-ng) is allocated and freed outside the GC. glibc serves a block that large from a mapping of its own,
/// but once such a mapping is freed it raises its mmap threshold to that size (and its trim threshold to twice that),
/// and the next states come from the arena of whichever pool thread renders: each arena then kept a freed state it
/// could not give back. At 1000 agents, scraped 8-50 at a time, 20 MiB of serve's RSS was such free malloc memory
/// (<c>malloc_info</c>: 0.8 MiB in use). Both thresholds fixed at glibc's defaults keep every state in its own mapping,
/// returned whole when it is freed.
/// </summary>
internal static partial class NativeHeap
{
    private const int TrimThresholdParameter = -1; // M_TRIM_THRESHOLD in glibc's malloc.h
    private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD

    /// <summary>glibc's default for both thresholds, fixed (a threshold set through mallopt no longer moves).</summary>
    public const int Threshold = 128 * 1024;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    /// <summary>
    /// Fixes both thresholds at <see cref="Threshold"/>; false when the operator set either (glibc reads
    /// <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> and <c>GLIBC_TUNABLES</c> at start, and those are
    /// kept) or the C library has no glibc mallopt (musl has none: the call throws, and nothing changes).
    /// </summary>
    public static bool FixThresholds()
    {
        if (!OperatingSystem.IsLinux() || OperatorSetThresholds(Environment.GetEnvironmentVariable)) return false;
        try { return MallOpt(TrimThresholdParameter, Threshold) == 1 & MallOpt(MmapThresholdParameter, Threshold) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>Whether the environment already sets glibc's mmap or trim threshold.</summary>
    internal static bool OperatorSetThresholds(Func<string, string?> environment) =>
        environment("MALLOC_MMAP_THRESHOLD_") is not null || environment("MALLOC_TRIM_THRESHOLD_") is not null ||
        environment("GLIBC_TUNABLES") is { } tunables &&
        (tunables.Contains("glibc.malloc.mmap_threshold", StringComparison.Ordinal) || tunables.Contains("glibc.malloc.trim_threshold", StringComparison.Ordinal));
}
