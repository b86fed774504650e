using System.Text.Json;
using FleetExporter.Heartbeats;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Cli;

/// <summary><c>fleet-exporter heartbeat</c> run as the real binary.</summary>
public sealed class HeartbeatCommandTests
{
    private const int Timeout = 120_000;

    private static (TempDirectory Dir, string Roster, string HbDir) Fleet(string interval = "30s")
    {
        var dir = new TempDirectory();
        var hb = dir.File("run");
        var roster = dir.Write("roster.yaml", $"heartbeat: {{ dir: {hb}, interval: {interval} }}\nagents:\n  - {{ name: b1, runtime: claude }}\n  - {{ name: b2, runtime: claude, heartbeat_interval: 5s }}\n");
        return (dir, roster, hb);
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_writes_a_valid_v1_file_and_seq_counts_up()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;
        var file = Path.Combine(hbDir, "b1.hb");

        var first = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster, "--status", "working"]);
        var firstText = File.ReadAllText(file);
        var second = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster]);
        var secondText = File.ReadAllText(file);

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.EndsWith("}\n", firstText);
        using var doc1 = JsonDocument.Parse(firstText);
        using var doc2 = JsonDocument.Parse(secondText);
        Assert.Equal(1, doc1.RootElement.GetProperty("v").GetInt32());
        Assert.Equal(1, doc1.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(2, doc2.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("working", doc1.RootElement.GetProperty("status").GetString());
        Assert.False(doc2.RootElement.TryGetProperty("status", out var _));
        Assert.Equal(30, doc1.RootElement.GetProperty("interval_s").GetDouble());
        Assert.True(doc1.RootElement.GetProperty("pid").GetInt32() > 0);
        var ts = doc2.RootElement.GetProperty("ts").GetDouble();
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - ts, -1, 30);
        var reading = HeartbeatParser.Parse(file, File.ReadAllBytes(file), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        Assert.Equal(HeartbeatState.Ok, reading.State);
        Assert.Equal(["b1.hb"], Directory.GetFiles(hbDir).Select(Path.GetFileName));
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_records_the_agents_own_interval_and_the_given_pid()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;

        var r = await InProcessCli.RunAsync(["heartbeat", "b2", "--roster", roster, "--pid", "4242"]);

        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(hbDir, "b2.hb")));
        Assert.Equal(5, doc.RootElement.GetProperty("interval_s").GetDouble());
        Assert.Equal(4242, doc.RootElement.GetProperty("pid").GetInt32());
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_over_a_garbage_file_replaces_it_and_starts_seq_at_1()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;
        Directory.CreateDirectory(hbDir);
        File.WriteAllText(Path.Combine(hbDir, "b1.hb"), "{\"v\":1,\"ts\":");

        var r = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster]);

        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(hbDir, "b1.hb")));
        Assert.Equal(1, doc.RootElement.GetProperty("seq").GetInt64());
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_replaces_the_file_atomically_so_a_reader_never_sees_a_partial_one()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;
        var file = Path.Combine(hbDir, "b1.hb");
        Assert.Equal(0, (await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster])).ExitCode);
        var originalText = File.ReadAllText(file);
        // Held open for the whole check, so the file system cannot give its inode number to the new file.
        using var original = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var stop = new CancellationTokenSource();
        var bad = new List<string>();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var bytes = File.ReadAllBytes(file);
                Interlocked.Increment(ref reads);
                if (HeartbeatParser.Parse(file, bytes, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30)).State != HeartbeatState.Ok)
                    bad.Add(System.Text.Encoding.UTF8.GetString(bytes));
                Thread.Sleep(1); // leaves the cores to the heartbeat commands
            }
        });

        // In-process, five heartbeats can be over before the reader has read five times: beat on until it has (bounded).
        for (var i = 0; i < 5 || (Volatile.Read(ref reads) <= 5 && i < 500); i++)
            Assert.Equal(0, (await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster])).ExitCode);
        await stop.CancelAsync();
        await reader;

        Assert.Empty(bad);
        Assert.True(reads > 5, $"only {reads} reads");
        // Replaced, not rewritten: the path names a new file, and the old one still holds the old heartbeat whole.
        Assert.NotEqual(Inode(HeldPath(original)), Inode(file));
        Assert.Equal(originalText, new StreamReader(original).ReadToEnd());
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal(6, doc.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(["b1.hb"], Directory.GetFiles(hbDir).Select(Path.GetFileName));
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_for_an_unknown_agent_exits_3_and_writes_nothing()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;

        var r = await InProcessCli.RunAsync(["heartbeat", "nobody", "--roster", roster]);

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("unknown agent \"nobody\"", r.StandardError);
        Assert.False(Directory.Exists(hbDir) && Directory.EnumerateFileSystemEntries(hbDir).Any());
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_that_cannot_write_exits_1()
    {
        using var dir = new TempDirectory();
        var blocker = dir.Write("blocker", "a file where the directory should be");
        var roster = dir.Write("roster.yaml", $"heartbeat: {{ dir: {blocker}/run }}\nagents:\n  - {{ name: b1, runtime: claude }}\n");

        var r = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot write heartbeat", r.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_with_a_bad_roster_exits_2()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", "heartbeat: { interval: often }\nagents: []\n");

        var r = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{roster}:1: heartbeat.interval:", r.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_refuses_a_status_that_would_make_a_file_its_reader_refuses()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;
        var file = Path.Combine(hbDir, "b1.hb");
        Assert.Equal(0, (await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster])).ExitCode);

        var r = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster, "--status", new string('s', 70_000)]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"the heartbeat would be larger than {HeartbeatParser.MaxBytes} bytes", r.StandardError);
        Assert.True(r.StandardError.Length < 1000, r.StandardError[..Math.Min(1000, r.StandardError.Length)]);
        Assert.Equal(["b1.hb"], Directory.GetFiles(hbDir).Select(Path.GetFileName));
        // The previous beat is untouched, so the next one still counts on from it.
        Assert.Equal(0, (await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster])).ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal(2, doc.RootElement.GetProperty("seq").GetInt64());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_heartbeat_write_that_fails_leaves_no_temporary_file()
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;
        // A non-empty directory where the heartbeat belongs: the temporary file is written, the rename fails.
        Directory.CreateDirectory(Path.Combine(hbDir, "b1.hb", "inside"));

        var r = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot write heartbeat", r.StandardError);
        Assert.Equal(["b1.hb"], Directory.GetFileSystemEntries(hbDir).Select(Path.GetFileName));
    }

    [Theory(Timeout = Timeout)]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("abc")]          // these four were an unhandled exception (exit 134) with a trace
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public async Task Heartbeat_refuses_a_pid_that_is_no_process_id(string pid)
    {
        var (dir, roster, hbDir) = Fleet();
        using var _ = dir;

        var r = await InProcessCli.RunAsync(["heartbeat", "b1", "--roster", roster, "--pid", pid]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--pid", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.False(Directory.Exists(hbDir));
    }

    private static long Inode(string path) => long.Parse(StatInode(path));

    /// <summary>This process's /proc link to an open file: stat follows it to the file even once it is unlinked.</summary>
    private static string HeldPath(FileStream stream) => $"/proc/{Environment.ProcessId}/fd/{stream.SafeFileHandle.DangerousGetHandle()}";

    private static string StatInode(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%i", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }
}
