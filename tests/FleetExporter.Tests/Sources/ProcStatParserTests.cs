using FleetExporter.Sources.Processes;

namespace FleetExporter.Tests.Sources;

public sealed class ProcStatParserTests
{
    /// <summary>Captured from Linux 6.x: /proc/PID/stat of a `sleep 1000` started by a systemd user unit.</summary>
    private const string Sleep =
        "5771 (sleep) S 5637 5771 5771 0 -1 4194304 167 0 0 0 0 0 0 0 20 0 1 0 51705 2990080 444 18446744073709551615 93968940470272 93968940488201 140736147362560 0 0 0 0 4096 0 1 0 0 17 0 0 0 0 0 0 93968940502288 93968940503552 93968963112960 140736147368097 140736147368113 140736147368113 140736147369965 0\n";

    /// <summary>Same layout from a running python3, with user and system time.</summary>
    private const string Python =
        "6450 (python3) R 6432 6432 3971 0 -1 4194304 2843 6576 9 1 1 2 3 1 20 0 1 0 56628 16961536 3356 18446744073709551615 93935141433344 93935141433685 140736039465664 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0 93935141445040 93935141445656 93935867703296 140736039470778 140736039470872 140736039470872 140736039473103 0\n";

    [Fact]
    public void The_fields_the_join_needs_are_read()
    {
        Assert.Equal(new ProcStat(5771, "sleep", 'S', 5637, 0, 0, 51705, 444, 0) { ProcessGroup = 5771, Session = 5771, Terminal = 0, ForegroundGroup = -1 },
            ProcStatParser.Parse(Sleep));
        Assert.Equal(new ProcStat(6450, "python3", 'R', 6432, 1, 2, 56628, 3356, 0) { ProcessGroup = 6432, Session = 3971, Terminal = 0, ForegroundGroup = -1 },
            ProcStatParser.Parse(Python));
    }

    [Theory]
    [InlineData('Z', "768", 3)]     // exit 3, not yet reaped
    [InlineData('Z', "0", 0)]
    [InlineData('Z', "9", null)]    // killed by SIGKILL: no exit status
    [InlineData('S', "768", null)]  // still running: field 52 means nothing yet
    public void A_zombie_keeps_its_exit_status_in_field_52(char state, string exitCode, int? status)
    {
        var line = Sleep.Replace("(sleep) S", $"(sleep) {state}").TrimEnd('\n');
        line = line[..line.LastIndexOf(' ')] + " " + exitCode;

        var stat = ProcStatParser.Parse(line);

        Assert.NotNull(stat);
        Assert.Equal(status, stat.ZombieExitStatus);
    }

    [Fact]
    public void A_kernel_without_field_52_gives_no_exit_code()
    {
        var fields = Sleep.TrimEnd('\n').Split(' ');

        var stat = ProcStatParser.Parse(string.Join(' ', fields[..44]));

        Assert.NotNull(stat);
        Assert.Null(stat.ExitCode);
    }

    [Theory]
    [InlineData("tmux: server")]
    [InlineData("a) S 1 (b")]
    [InlineData(") ) )")]
    [InlineData("")]
    public void A_comm_holding_spaces_and_parentheses_is_read_whole(string comm)
    {
        var line = Python.Replace("(python3)", $"({comm})");

        var stat = ProcStatParser.Parse(line);

        Assert.NotNull(stat);
        Assert.Equal(comm, stat.Comm);
        Assert.Equal(('R', 6432, 3356L), (stat.State, stat.ParentPid, stat.RssPages));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5771")]
    [InlineData("5771 (sleep)")]
    [InlineData("5771 (sleep) S 5637 5771")]
    [InlineData("x (sleep) S 5637 5771 5771 0 -1 4194304 167 0 0 0 0 0 0 0 20 0 1 0 51705 2990080 444 1")]
    [InlineData("5771 (sleep) SS 5637 5771 5771 0 -1 4194304 167 0 0 0 0 0 0 0 20 0 1 0 51705 2990080 444 1")]
    public void A_line_without_the_shape_is_null(string line)
    {
        Assert.Null(ProcStatParser.Parse(line));
    }

    [Fact]
    public void Boot_time_comes_from_the_btime_line()
    {
        var procStat = "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5\nctxt 77\nbtime 1795417000\nprocesses 6500\n";

        Assert.Equal(1795417000L, ProcStatParser.ParseBootTime(procStat));
        Assert.Null(ProcStatParser.ParseBootTime("cpu 1 2 3\n"));
    }

    [Fact]
    public void Cmdline_is_split_on_nul_characters()
    {
        Assert.Equal(["bash", "-c", "sleep 1000; true"], ProcStatParser.ParseCmdline("bash\0-c\0sleep 1000; true\0"));
        Assert.Empty(ProcStatParser.ParseCmdline(""));
    }

    [Fact]
    public void This_process_own_stat_parses()
    {
        var stat = ProcStatParser.Parse(File.ReadAllText("/proc/self/stat"));

        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Pid);
    }
}
