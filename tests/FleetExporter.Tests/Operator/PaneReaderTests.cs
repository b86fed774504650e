using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

public sealed class PaneReaderTests
{
    private const int Pts0 = 0x8800; // major 136, minor 0: /dev/pts/0
    private const int Pts1 = 0x8801;

    private static TerminalStat P(int pid, string comm, int ppid, int pgrp, int session, int tty, int tpgid) =>
        new(pid, comm, ppid, pgrp, session, tty, tpgid);

    [Fact]
    public void The_stat_line_gives_the_process_group_session_terminal_and_its_foreground_group()
    {
        var stat = TerminalStat.Parse("25499 (sleep (x) y) S 25497 25499 25499 34817 25499 4194560 93 0 0 0 0 0 0 0 20 0 1 0 51705 5656576 444\n");

        Assert.Equal(P(25499, "sleep (x) y", 25497, 25499, 25499, 34817, 25499), stat);
        Assert.True(stat!.InForeground);
        Assert.Null(TerminalStat.Parse("7 (gone) Z 1 7 7 0 -1 0"));
    }

    [Fact]
    public void Behind_script_the_reader_is_the_program_on_the_inner_pty_and_both_terminals_are_on_the_way()
    {
        var reader = PaneReader.Find([
            P(100, "script", 99, 100, 100, Pts0, 100),
            P(101, "sleep", 100, 101, 101, Pts1, 101),
            P(99, "tmux: server", 1, 99, 99, 0, -1),
        ], 100);

        Assert.NotNull(reader);
        Assert.Equal(101, reader.Pid);
        Assert.Equal([Pts0, Pts1], reader.Terminals);
    }

    [Fact]
    public void A_shell_running_a_foreground_job_is_read_through_the_job_on_the_same_terminal()
    {
        var reader = PaneReader.Find([
            P(200, "bash", 99, 200, 200, Pts0, 201),
            P(201, "claude", 200, 201, 200, Pts0, 201),
            P(202, "rg", 201, 201, 200, Pts0, 201),
            P(203, "daemon", 200, 203, 203, 0, -1),
        ], 200);

        Assert.Equal(202, reader!.Pid);
        Assert.Equal([Pts0], reader.Terminals);
    }

    [Fact]
    public void At_equal_depth_the_process_behind_more_terminals_is_the_reader()
    {
        var reader = PaneReader.Find([
            P(300, "agent", 99, 300, 300, Pts0, 300),
            P(301, "helper", 300, 300, 300, Pts0, 300),
            P(302, "tool", 300, 302, 302, Pts1, 302),
        ], 300);

        Assert.Equal(302, reader!.Pid);
        Assert.Equal([Pts0, Pts1], reader.Terminals);
    }

    [Fact]
    public void A_pane_whose_processes_are_all_in_the_background_has_no_reader()
    {
        Assert.Null(PaneReader.Find([P(400, "bash", 99, 400, 400, Pts0, 999)], 400));
        Assert.Null(PaneReader.Find([P(401, "x", 99, 401, 401, Pts0, 401)], 400));
    }

    [Theory]
    [InlineData(0x8800, "/dev/pts/0")]
    [InlineData(0x8801, "/dev/pts/1")]
    [InlineData(0x88ff, "/dev/pts/255")]
    [InlineData(0x8900, "/dev/pts/256")]
    [InlineData(0x8800 | (1 << 20), "/dev/pts/256")] // minor 256 with major 136: minor bits 8+ sit in bits 20-31
    [InlineData(0x0401, null)]                      // /dev/tty1 (major 4) has no /dev/pts name
    public void Terminal_numbers_name_pty_slaves(int terminal, string? path)
    {
        Assert.Equal(path, PaneReader.DevicePath(terminal));
    }
}
