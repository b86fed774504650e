using System.Diagnostics;
using FleetExporter.Sources.Processes;

namespace FleetExporter.Tests.Sources;

/// <summary>`send` reads only its pane's processes: the same tree the whole table gives, and nothing else.</summary>
public sealed class ProcessTableTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_subtree_read_holds_the_same_tree_as_the_whole_table_and_nothing_else()
    {
        using var root = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 100 & (sleep 100 & wait) & wait"]))!;
        try
        {
            // Until the grandchild runs: root sh, sleep, a subshell and its sleep.
            var whole = ProcessTable.Read();
            for (var i = 0; i < 50 && whole.Tree(root.Id).Count() < 4; i++)
            {
                await Task.Delay(100);
                whole = ProcessTable.Read();
            }

            var subtree = ProcessTable.ReadTree(root.Id);

            var expected = whole.Tree(root.Id).Select(p => p.Pid).Order().ToList();
            Assert.Equal(4, expected.Count);
            Assert.Equal(expected, subtree.Tree(root.Id).Select(p => p.Pid).Order().ToList());
            Assert.Equal(expected.Count, subtree.Count);
            Assert.True(whole.Count > subtree.Count * 2, $"the whole table has {whole.Count} processes");
            Assert.Equal(whole.StartTime(whole.Get(root.Id)!), subtree.StartTime(subtree.Get(root.Id)!));
        }
        finally
        {
            root.Kill(entireProcessTree: true);
        }
    }
}
