using FleetExporter.Tmux;

namespace FleetExporter.Tests.Sources;

public sealed class TmuxListParserTests
{
    /// <summary>
    /// Captured from tmux 3.3a, <c>tmux -L capsock list-panes -a -F "$Format"</c>, with remain-on-exit on: two
    /// agent sessions, a session whose only pane exited with status 3, and a session of two windows, the first split.
    /// The server pid (#{pid}, field 10) was added to the capture later.
    /// </summary>
    private const string Captured =
        "alpha\t%0\t5698\t0\t\t1795469716\t/dev/pts/2\t200\t50\t5690\tsleep\n" +
        "beta\t%1\t5702\t0\t\t1795469716\t/dev/pts/3\t200\t50\t5690\tsleep\n" +
        "dead one\t%2\t5776\t1\t3\t1795469720\t/dev/pts/5\t80\t24\t5690\texit\n" +
        "multi\t%3\t5780\t0\t\t1795469720\t/dev/pts/5\t80\t12\t5690\tbash\n" +
        "multi\t%4\t5783\t0\t\t1795469720\t/dev/pts/6\t80\t11\t5690\tsleep\n" +
        "multi\t%5\t5787\t0\t\t1795469720\t/dev/pts/7\t80\t24\t5690\tsleep\n";

    [Fact]
    public void Each_session_keeps_its_first_pane()
    {
        var sessions = TmuxListParser.Parse(Captured);

        Assert.Equal(["alpha", "beta", "dead one", "multi"], sessions.Keys.Order());
        Assert.Equal(new TmuxPane("alpha", "%0", 5698, "sleep", false, null, DateTimeOffset.FromUnixTimeSeconds(1795469716), "/dev/pts/2", 200, 50, 5690), sessions["alpha"]);
        Assert.Equal(("%3", 5780, "bash", 12), (sessions["multi"].PaneId, sessions["multi"].PanePid, sessions["multi"].CurrentCommand, sessions["multi"].Height));
    }

    [Fact]
    public void A_dead_pane_reports_its_exit_status()
    {
        var pane = TmuxListParser.Parse(Captured)["dead one"];

        Assert.True(pane.Dead);
        Assert.Equal(3, pane.DeadStatus);
    }

    [Fact]
    public void A_dead_pane_killed_by_a_signal_has_no_status()
    {
        var pane = TmuxListParser.Parse("a\t%0\t10\t1\t\t1795469716\t/dev/pts/2\t80\t24\t5690\tsleep\n")["a"];

        Assert.True(pane.Dead);
        Assert.Null(pane.DeadStatus);
    }

    [Fact]
    public void A_tab_in_the_current_command_does_not_shift_the_other_fields()
    {
        var pane = TmuxListParser.Parse("a\t%0\t10\t0\t\t1795469716\t/dev/pts/2\t80\t24\t5690\tweird\tname\n")["a"];

        Assert.Equal("weird\tname", pane.CurrentCommand);
        Assert.Equal(80, pane.Width);
    }

    [Fact]
    public void Empty_output_is_no_sessions()
    {
        Assert.Empty(TmuxListParser.Parse(""));
        Assert.Empty(TmuxListParser.Parse("\n"));
    }

    [Fact]
    public void A_line_of_another_shape_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => TmuxListParser.Parse("alpha %0 5698 0\n"));
    }

    [Fact]
    public void The_format_asks_for_eleven_tab_separated_fields_with_the_command_last()
    {
        var fields = TmuxListParser.Format.Split('\t');

        Assert.Equal(11, fields.Length);
        Assert.Equal("#{pane_current_command}", fields[^1]);
    }

    [Theory]
    [InlineData("no server running on /tmp/tmux-0/fxt-abc\n")]
    [InlineData("error connecting to /tmp/tmux-0/nosuchsock (No such file or directory)\n")]
    [InlineData("error connecting to /tmp/tmux-0/old (Connection refused)\n")]
    public void Tmux_saying_no_server_runs_means_no_sessions(string stderr)
    {
        Assert.True(TmuxListParser.MeansNoServer(stderr));
    }

    [Theory]
    [InlineData("error connecting to /tmp/tmux-0/x (Permission denied)\n")]
    [InlineData("unknown command: list-panez\n")]
    [InlineData("")]
    public void Other_tmux_errors_are_failures(string stderr)
    {
        Assert.False(TmuxListParser.MeansNoServer(stderr));
    }
}
