using FleetExporter.Cli.Ps;
using FleetExporter.Fleet;
using FleetExporter.Glance;
using FleetExporter.Tests.Infrastructure;

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

    private static readonly string LongName = "agent-" + new string('x', 57);

    private static PsRow Row(string agent, params string[] flags) =>
        new(agent, "acme-platform-team", "build-host-eu-west-01", "active", "claude", "working", "12s", "4s", flags);

    [Fact]
    public void Piped_every_cell_is_whole_and_the_flags_stay_on_one_line()
    {
        var rows = new[] { Row(LongName, "DRIFT", "BOOT-ENABLE", "HB-STALE"), Row("b1") };

        var lines = PsTable.Render(rows, colour: false, width: null).TrimEnd('\n').Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.StartsWith(LongName + " acme-platform-team build-host-eu-west-01 active", lines[1]);
        Assert.EndsWith(" DRIFT,BOOT-ENABLE,HB-STALE", lines[1]);
        Assert.EndsWith(" ok", lines[2]);
        Assert.DoesNotContain("…", string.Join('\n', lines));
        Assert.DoesNotContain('\e', string.Join('\n', lines));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(120)]
    public void Within_a_width_names_stay_whole_and_other_columns_give_way(int width)
    {
        var rows = new[] { Row("builder-with-long-name-7", "DRIFT", "HB-STALE"), Row("b1", "DOWN") };

        var lines = PsTable.Render(rows, colour: false, width).TrimEnd('\n').Split('\n');
        var flagsColumn = lines[0].IndexOf("FLAGS", StringComparison.Ordinal);

        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.StartsWith("builder-with-long-name-7 ", lines[1]);
        Assert.Contains(" working ", lines[1]);
        Assert.Equal("DRIFT,HB-STALE", string.Join(',', lines.Skip(1).TakeWhile(l => !l.StartsWith("b1 ", StringComparison.Ordinal)).Select(l => l[flagsColumn..])));
        Assert.Equal(width >= 100 ? 3 : 4, lines.Length);
    }

    [Fact]
    public void A_wide_terminal_cuts_nothing_and_a_narrow_one_cuts_tenant_and_host_first()
    {
        var rows = new[] { Row("b1", "DRIFT") };

        var wide = PsTable.Render(rows, colour: false, 200);
        var narrow = PsTable.Render(rows, colour: false, 60).Split('\n')[1];

        Assert.Equal(PsTable.Render(rows, colour: false, null), wide);
        Assert.Matches(" acme-[a-z]*… build-[a-z]*… ", narrow);
        Assert.Contains(" active ", narrow);
        Assert.Contains(" claude ", narrow);
        Assert.EndsWith(" DRIFT", narrow);
    }

    [Fact]
    public void Flags_that_do_not_fit_wrap_under_the_flags_column()
    {
        var rows = new[] { Row("b1", [.. AgentFlags.All]) };

        var lines = PsTable.Render(rows, colour: false, 80).TrimEnd('\n').Split('\n');
        var flagsColumn = lines[0].IndexOf("FLAGS", StringComparison.Ordinal);

        Assert.True(lines.Length > 2);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.All(lines.Skip(2), l => Assert.Equal(new string(' ', flagsColumn), l[..flagsColumn]));
        Assert.Equal(AgentFlags.All, string.Join(',', lines.Skip(1).Select(l => l[flagsColumn..])).Split(','));
    }

    [Fact]
    public void Cells_from_outside_are_escaped_and_colour_only_when_asked()
    {
        var rows = new[] { new PsRow("b1", "acme", "h", "active", "evil\e]52;c;x\a", "idle", "-", "-", [AgentFlags.Drift]) };

        var plain = PsTable.Render(rows, colour: false, null);
        var coloured = PsTable.Render(rows, colour: true, null);

        Assert.Contains("evil\\x1b]52;c;x\\x07", plain);
        Assert.DoesNotContain('\e', plain);
        Assert.Contains("\e[1;31mDRIFT\e[0m", coloured);
    }

    [Fact]
    public void Rows_from_a_join_put_trouble_first_and_show_the_runtime_or_what_runs_instead()
    {
        var snapshot = SampleAgents.Snapshot(
            SampleAgents.Healthy("fine"), SampleAgents.Waiting("asker"), SampleAgents.Drifted("drifted"),
            SampleAgents.UnitUnknown("unsure"), SampleAgents.Down("down"));

        var rows = PsRow.From(snapshot);

        Assert.Equal(["down", "drifted", "unsure", "asker", "fine"], rows.Select(r => r.Agent));
        Assert.Equal("claude", rows.Single(r => r.Agent == "fine").Pane);
        Assert.Equal("bash", rows.Single(r => r.Agent == "drifted").Pane);
        Assert.Equal("-", rows.Single(r => r.Agent == "down").Pane);
        Assert.Equal(["?"], rows.Single(r => r.Agent == "unsure").Flags);
        Assert.Equal("4 of 5 agents need attention (2 flagged, 1 with unknown facts, 1 waiting for a human).",
            Attention.Summary(rows.Select(r => (r.Flags, r.State)).ToList()));
    }

    [Fact]
    public void A_name_too_long_for_the_width_stands_whole_on_its_own_line_above_its_row()
    {
        var rows = new[] { Row(LongName, "DRIFT"), Row("b1", "DOWN") };

        var lines = PsTable.Render(rows, colour: false, 80).TrimEnd('\n').Split('\n');

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.Equal(LongName, lines[1]);
        Assert.Matches("^ {12,} acme", lines[2]);
        Assert.EndsWith(" DRIFT", lines[2]);
        Assert.StartsWith("b1 ", lines[3]);
        Assert.Equal(4, lines.Length);
    }
}
