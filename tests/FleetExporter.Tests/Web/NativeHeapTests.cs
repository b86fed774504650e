using System.Runtime.InteropServices;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// serve's fixed malloc threshold: a deflate state (350 KiB) freed after another one was freed still goes back to the
/// system, where glibc's moving threshold would have kept it in an arena.
/// </summary>
public sealed class NativeHeapTests
{
    private const int DeflateState = 350_336; // what the runtime's zlib-ng asked for, gzip at CompressionLevel.Fastest

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo();

    [DllImport("libc", EntryPoint = "aligned_alloc")]
    private static extern IntPtr AlignedAlloc(nuint alignment, nuint size);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr block);

    [Fact]
    public void After_a_large_block_is_freed_the_next_deflate_state_still_gets_a_mapping_of_its_own()
    {
        // Without the fix, freeing a 1 MiB mapping raises glibc's threshold to 1 MiB, and the state below comes from an arena.
        Free(Marshal.AllocHGlobal(1 << 20));
        Assert.True(NativeHeap.FixMmapThreshold(), "glibc's mallopt did not take M_MMAP_THRESHOLD");
        for (var round = 0; round < 3; round++)
        {
            var mappedBefore = MallInfo().HBlkHd;
            var state = AlignedAlloc(64, DeflateState);
            var mappedWith = MallInfo().HBlkHd;
            Free(state);
            Assert.True(mappedWith >= mappedBefore + DeflateState, $"round {round}: {mappedWith - mappedBefore} bytes mapped for a {DeflateState}-byte block");
            Assert.Equal(mappedBefore, MallInfo().HBlkHd);
        }
    }

    [Fact]
    public void An_operators_own_threshold_is_left_as_set()
    {
        Environment.SetEnvironmentVariable(NativeHeap.MmapThresholdVariable, "65536");
        try { Assert.False(NativeHeap.FixMmapThreshold()); }
        finally { Environment.SetEnvironmentVariable(NativeHeap.MmapThresholdVariable, null); }
    }
}
