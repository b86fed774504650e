using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Fleet;

/// <summary>Reads of files that never answer (a FIFO, a hung file system) cost only their own source, and never hang the join.</summary>
public sealed class CollectionDeadlineTests
{
    private static async Task MkfifoAsync(string path)
    {
        var r = await ProcessRunner.RunAsync("mkfifo", [path]);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_fifo_where_a_heartbeat_belongs_is_invalid_and_does_not_block()
    {
        using var dir = new TempDirectory();
        var file = dir.File("a1.hb");
        await MkfifoAsync(file);

        var reading = await Task.Run(() => new HeartbeatSource(TimeProvider.System).Read(file, TimeSpan.FromSeconds(30)))
            .WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(HeartbeatState.Invalid, reading.State);
        Assert.Contains("not a regular file", reading.Problem);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_process_table_read_that_hangs_fails_its_source_at_the_deadline_and_the_rest_is_reported()
    {
        using var dir = new TempDirectory();
        // A /proc look-alike whose one process's stat is a FIFO: reading it blocks, as a hung file system would.
        Directory.CreateDirectory(dir.File("proc/4242"));
        await MkfifoAsync(dir.File("proc/4242/stat"));
        dir.Write("hb/a1.hb", $$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}""");
        var roster = RosterLoader.Parse($"heartbeat: {{ dir: {dir.File("hb")} }}\ntmux: {{ socket_name: fxt-deadline-none }}\nagents:\n  - {{ name: a1, runtime: claude }}\n", "deadline.yaml");
        var join = new FleetJoin(new SystemdSource(TimeProvider.System), new TmuxSource(), new ProcessSource(dir.File("proc")),
            new HeartbeatSource(TimeProvider.System), TimeProvider.System);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();

        var snapshot = await join.CollectAsync(roster, deadline.Token);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"the join took {watch.Elapsed.TotalSeconds:0.0} s against a 2 s deadline");
        var processes = snapshot.Source(ProcessSource.Name)!;
        Assert.False(processes.Ok);
        Assert.Contains("deadline", processes.Error);
        Assert.True(snapshot.Source(HeartbeatSource.Name)!.Ok);
        Assert.True(snapshot.Source(TmuxSource.Name)!.Ok);
        Assert.Equal(HeartbeatState.Ok, Assert.Single(snapshot.Agents).Heartbeat.State);
        // Unblock the stuck reader so the test leaves no thread behind.
        await File.WriteAllTextAsync(dir.File("proc/4242/stat"), "");
    }
}
