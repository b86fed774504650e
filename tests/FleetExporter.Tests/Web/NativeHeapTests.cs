using System.Runtime.InteropServices;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// serve's fixed malloc thresholds: deflate states (350 KiB) allocated after a larger block was freed still get
/// mappings of their own, where glibc's moving thresholds would have carved them from an arena.
/// </summary>
public sealed class NativeHeapTests
{
    private const int DeflateState = 350_336; // what the runtime's zlib-ng asked for, gzip at CompressionLevel.Fastest
    private const int States = 8;
    private const int MostStrayChunks = 200; // 70 MiB of states at most, all freed

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "aligned_alloc")]
    private static extern IntPtr AlignedAlloc(nuint alignment, nuint size);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr block);

    /// <summary>glibc's IS_MMAPPED bit in the size word in front of a block: the block has a mapping of its own.</summary>
    private static bool HasOwnMapping(IntPtr block) => (Marshal.ReadInt64(block, -8) & 2) != 0;

    [Fact]
    public void After_a_larger_block_is_freed_deflate_states_still_get_mappings_of_their_own()
    {
        // Without the fix, freeing a 1 MiB mapping raises glibc's thresholds past 350 KiB, and the states below come
        // from an arena. (Skipped if this environment sets the thresholds itself: the fix then stands aside.)
        if (NativeHeap.OperatorSetThresholds(Environment.GetEnvironmentVariable)) return;
        Free(Marshal.AllocHGlobal(1 << 20));
        Assert.True(NativeHeap.FixThresholds(), "glibc's mallopt did not take M_TRIM_THRESHOLD and M_MMAP_THRESHOLD");
        MallocTrim(0); // what sits free at the top of an arena from before the fix goes, so a state cannot be carved from it

        // Other tests in this process leave free chunks in the arenas (serve has none: it fixes the thresholds first),
        // and glibc hands out a fitting free chunk before it maps. Those are taken first; after the first state that
        // gets a mapping, every state must. Each block is checked by its own header, so other threads cannot count.
        var states = new List<IntPtr>();
        try
        {
            for (var i = 0; i < MostStrayChunks && !states.Any(HasOwnMapping); i++) states.Add(AlignedAlloc(64, DeflateState));
            Assert.True(states.Any(HasOwnMapping), $"none of {states.Count} deflate states got a mapping of its own");
            var next = Enumerable.Range(0, States).Select(_ => AlignedAlloc(64, DeflateState)).ToList();
            states.AddRange(next);
            Assert.True(next.All(HasOwnMapping), $"{next.Count(HasOwnMapping)} of the next {States} deflate states got a mapping of their own");
        }
        finally { states.ForEach(Free); }
    }

    [Theory]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "65536")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")]
    public void An_operators_own_thresholds_are_left_as_set(string variable, string value) =>
        Assert.True(NativeHeap.OperatorSetThresholds(name => name == variable ? value : null));

    [Fact]
    public void Other_glibc_tunables_do_not_count_as_thresholds() =>
        Assert.False(NativeHeap.OperatorSetThresholds(name => name == "GLIBC_TUNABLES" ? "glibc.malloc.arena_max=2" : null));
}
