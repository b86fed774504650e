using System.Text.RegularExpressions;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Sources.Processes;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Fleet;

public sealed class RuntimeMatcherTests
{
    private static RuntimeSpec Commands(params string[] commands) => new("r", commands, [], [BuiltInRuntimes.DefaultPrompt]);
    private static RuntimeSpec Match(params string[] patterns) => new("r", [], patterns.Select(p => new Regex(p)).ToList(), [BuiltInRuntimes.DefaultPrompt]);

    [Fact]
    public void A_command_matches_the_process_name()
    {
        Assert.True(RuntimeMatcher.Matches(Commands("claude", "node"), "node", ["/usr/bin/node", "/opt/claude/cli.js"]));
    }

    [Fact]
    public void A_command_matches_the_base_name_of_argv0_when_comm_was_cut_to_15_characters()
    {
        Assert.True(RuntimeMatcher.Matches(Commands("my-long-agent-binary"), "my-long-agent-b", ["/opt/bin/my-long-agent-binary", "--x"]));
    }

    [Fact]
    public void A_command_is_not_a_substring_match()
    {
        Assert.False(RuntimeMatcher.Matches(Commands("claude"), "claude-helper", ["claude-helper"]));
        Assert.False(RuntimeMatcher.Matches(Commands("pi"), "pip", ["/usr/bin/pip", "install", "pi"]));
    }

    [Fact]
    public void A_match_pattern_is_tried_against_the_arguments_joined_by_spaces()
    {
        var runtime = Match(@"python3 .*mybot\.py");

        Assert.True(RuntimeMatcher.Matches(runtime, "python3", ["python3", "-u", "/srv/mybot.py", "--fast"]));
        Assert.False(RuntimeMatcher.Matches(runtime, "python3", ["python3", "/srv/otherbot.py"]));
        Assert.False(RuntimeMatcher.Matches(runtime, "python3", []));
    }

    [Fact]
    public void A_shell_is_not_a_runtime_that_names_other_commands()
    {
        Assert.False(RuntimeMatcher.Matches(Commands("sleep"), "bash", ["bash", "-c", "sleep 1000; true"]));
    }

    [Fact]
    public void A_runtime_under_a_wrapper_shell_is_found_in_the_pane_tree()
    {
        using var proc = new FakeProc()
            .Add(100, "bash", 1, "bash", "-c", "sleep 1000; true")
            .Add(101, "sleep", 100, "sleep", "1000")
            .Add(200, "sleep", 1, "sleep", "5");

        var result = RuntimeMatcher.Inspect(Commands("sleep"), proc.Table(), 100);

        Assert.Equal(101, result.Runtime?.Pid);
        Assert.Equal("sleep", result.Runtime?.Command);
        Assert.Equal(["bash", "sleep"], result.TreeCommands);
    }

    [Fact]
    public void The_runtime_nearest_the_pane_wins()
    {
        using var proc = new FakeProc()
            .Add(100, "bash", 1, "bash")
            .Add(102, "node", 101, "node", "child.js")
            .Add(101, "node", 100, "node", "cli.js");

        var result = RuntimeMatcher.Inspect(Commands("node"), proc.Table(), 100);

        Assert.Equal(101, result.Runtime?.Pid);
        Assert.Equal(["bash", "node", "node"], result.TreeCommands);
    }

    [Fact]
    public void A_pane_that_fell_back_to_a_shell_has_no_runtime()
    {
        using var proc = new FakeProc()
            .Add(100, "bash", 1, "bash")
            .Add(300, "sleep", 1, "sleep", "1000");

        var result = RuntimeMatcher.Inspect(Commands("sleep"), proc.Table(), 100);

        Assert.Null(result.Runtime);
        Assert.Equal(["bash"], result.TreeCommands);
    }

    [Fact]
    public void A_match_pattern_finds_an_interpreter_running_the_runtime()
    {
        using var proc = new FakeProc()
            .Add(100, "sh", 1, "sh", "-c", "python3 /srv/mybot.py")
            .Add(101, "python3", 100, "python3", "/srv/mybot.py");

        var result = RuntimeMatcher.Inspect(Match(@"python3 .*mybot\.py"), proc.Table(), 100);

        Assert.Equal(101, result.Runtime?.Pid);
    }

    [Fact]
    public void A_wrapper_shell_whose_script_names_the_runtime_is_not_the_runtime_once_it_has_exited()
    {
        using var proc = new FakeProc()
            .Add(100, "bash", 1, "bash", "-lc", "python3 /srv/mybot.py; bash")
            .Add(102, "bash", 100, "bash");

        var result = RuntimeMatcher.Inspect(Match(@"python3 .*mybot\.py"), proc.Table(), 100);

        Assert.Null(result.Runtime);
    }

    [Fact]
    public void A_shell_running_a_script_file_can_be_the_runtime()
    {
        Assert.True(RuntimeMatcher.Matches(Match(@"bash /opt/mybot\.sh"), "bash", ["bash", "/opt/mybot.sh"]));
    }

    [Fact]
    public void Rss_cpu_and_start_time_come_from_stat()
    {
        using var proc = new FakeProc(bootTime: 1_795_000_000)
            .Add(100, "sleep", 1, ["sleep"], utime: 150, stime: 50, start: 1000, rss: 10);
        var table = proc.Table();

        var result = RuntimeMatcher.Inspect(Commands("sleep"), table, 100);

        Assert.Equal(10 * Environment.SystemPageSize, result.Runtime!.RssBytes);
        Assert.Equal(200.0 / table.ClockTicksPerSecond, result.Runtime.CpuSeconds, 6);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000 + 1000 * 1000 / table.ClockTicksPerSecond), result.Runtime.StartTime);
    }

    [Fact]
    public void A_pane_whose_process_is_gone_has_an_empty_tree()
    {
        using var proc = new FakeProc().Add(100, "bash", 1, "bash");

        var result = RuntimeMatcher.Inspect(Commands("bash"), proc.Table(), 999);

        Assert.Null(result.Runtime);
        Assert.Empty(result.TreeCommands);
    }

    /// <summary>A /proc-shaped directory of stat and cmdline files, read by the real <see cref="ProcessTable"/>.</summary>
    private sealed class FakeProc(long bootTime = 1_795_000_000) : IDisposable
    {
        private readonly TempDirectory _dir = Init(bootTime);

        private static TempDirectory Init(long bootTime)
        {
            var dir = new TempDirectory();
            dir.Write("stat", $"cpu 1 2 3\nbtime {bootTime}\n");
            dir.Write("self/stat", "not a pid directory");
            return dir;
        }

        public FakeProc Add(int pid, string comm, int ppid, params string[] argv) => Add(pid, comm, ppid, argv, 0, 0, 0, 0);

        public FakeProc Add(int pid, string comm, int ppid, string[] argv, ulong utime = 0, ulong stime = 0, ulong start = 0, long rss = 0)
        {
            _dir.Write($"{pid}/stat", $"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194304 167 0 0 0 {utime} {stime} 0 0 20 0 1 0 {start} 2990080 {rss} 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
            _dir.Write($"{pid}/cmdline", string.Concat(argv.Select(a => a + "\0")));
            return this;
        }

        public ProcessTable Table() => ProcessTable.Read(_dir.Path);

        public void Dispose() => _dir.Dispose();
    }
}

public sealed class NodeRuntimeMatcherTests
{
    [Theory]
    [InlineData("gemini", "node /home/u/.npm-global/bin/gemini", true)]
    [InlineData("gemini", "/usr/bin/node --no-warnings=DEP0040 /usr/lib/node_modules/@google/gemini-cli/bundle/gemini.js", true)]
    [InlineData("gemini", "node /work/tests/.agents/node_modules/.bin/gemini --yolo", true)]
    [InlineData("pi", "node /usr/local/bin/pi", true)]
    [InlineData("pi", "/usr/bin/node /usr/lib/node_modules/@mariozechner/pi-coding-agent/dist/cli.js", true)]
    [InlineData("gemini", "node server.js", false)]
    [InlineData("gemini", "vim gemini", false)]
    [InlineData("pi", "node /srv/pipeline.js", false)]
    [InlineData("pi", "python3 pi", false)]
    public void Node_based_runtimes_are_found_by_their_script_after_node(string runtime, string commandLine, bool expected)
    {
        var argv = commandLine.Split(' ');

        var matched = RuntimeMatcher.Matches(BuiltInRuntimes.All[runtime], Path.GetFileName(argv[0]), argv);

        Assert.Equal(expected, matched);
    }
}
