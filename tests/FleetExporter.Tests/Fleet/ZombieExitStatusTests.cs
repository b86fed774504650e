using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Sources.Processes;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Fleet;

/// <summary>
/// A dead pane whose process tmux never reaped: the join reads the exit status the kernel keeps for the zombie.
/// The zombie is real (a parent that does not wait for its child); only the pane record is written by hand.
/// </summary>
public sealed class ZombieExitStatusTests
{
    private static TmuxPane DeadPane(int pid, int server, int? status = null) =>
        new("dead", "%1", pid, "sh", Dead: true, status, null, "/dev/pts/9", 80, 24, server);

    [Fact(Timeout = 30_000)]
    public async Task A_dead_pane_without_a_status_takes_its_zombies_exit_status()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import os, sys, time\npid = os.fork()\nif pid == 0: os._exit(3)\nprint(pid, flush=True)\ntime.sleep(60)"])
        {
            RedirectStandardOutput = true,
        };
        using var parent = Process.Start(start)!;
        try
        {
            var zombie = int.Parse((await parent.StandardOutput.ReadLineAsync())!);
            Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(ProcessTable.Read().Get(zombie)?.State == 'Z')), "the child never became a zombie");

            var table = ProcessTable.Read();

            // The python parent stands in for the tmux server that never reaped its pane's process.
            Assert.Equal(3, FleetJoin.WithZombieExitStatus(DeadPane(zombie, parent.Id), table)!.DeadStatus);
            Assert.Equal(7, FleetJoin.WithZombieExitStatus(DeadPane(zombie, parent.Id, status: 7), table)!.DeadStatus); // tmux's own word stands
            Assert.Null(FleetJoin.WithZombieExitStatus(DeadPane(zombie, Environment.ProcessId), table)!.DeadStatus);   // another server's zombie
            Assert.Null(FleetJoin.WithZombieExitStatus(DeadPane(parent.Id, parent.Id), table)!.DeadStatus);             // alive: no status
            Assert.Null(FleetJoin.WithZombieExitStatus(DeadPane(zombie, parent.Id) with { Dead = false }, table)!.DeadStatus);
            Assert.True(table.MayReadExitCode(zombie));
        }
        finally
        {
            parent.Kill();
            await parent.WaitForExitAsync();
        }
    }
}
