using FleetExporter.Cli.Ps;
using FleetExporter.Fleet;

namespace FleetExporter.Tests.Cli;

public sealed class PsTableTests
{
    [Fact]
    public void Flags_are_packed_into_lines_no_wider_than_the_flags_column()
    {
        var lines = PsTable.Pack(AgentFlags.All, 11);

        Assert.Equal(["DRIFT", "BOOT-ENABLE", "DOWN", "NO-SESSION", "PANE-DEAD", "HB-STALE", "HB-MISSING", "HB-INVALID"], lines);
        Assert.Equal(["DOWN,DRIFT"], PsTable.Pack(["DOWN", "DRIFT"], 11));
        Assert.Equal(["DOWN,NO-SESSION", "HB-MISSING"], PsTable.Pack(["DOWN", "NO-SESSION", "HB-MISSING"], 20));
    }

    [Fact]
    public void Long_text_wraps_at_spaces_with_indented_continuation_lines()
    {
        var lines = PsTable.Wrap("! systemd unknown: systemctl exited 1: Failed to connect to bus: No such file or directory", 40, "  ");

        Assert.Equal(["! systemd unknown: systemctl exited 1:", "  Failed to connect to bus: No such file", "  or directory"], lines);
    }

    [Fact]
    public void A_word_longer_than_the_line_is_cut_across_lines()
    {
        var lines = PsTable.Wrap("x " + new string('a', 25), 10, "  ");

        Assert.All(lines, l => Assert.True(l.Length <= 10, l));
        Assert.Equal("x" + new string('a', 25), string.Concat(lines.Select(l => l.Trim())).Replace(" ", ""));
    }

    [Fact]
    public void Short_text_is_one_line()
    {
        Assert.Equal(["! tmux unknown: gone"], PsTable.Wrap("! tmux unknown: gone", 80, "  "));
    }
}
