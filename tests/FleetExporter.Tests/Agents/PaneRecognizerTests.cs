using System.Diagnostics;
using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Roster;

namespace FleetExporter.Tests.Agents;

/// <summary>The built-in screen patterns over the screens the agents draw, and roster <c>runtimes.NAME.states</c>.</summary>
public sealed class PaneRecognizerTests
{
    private const string File = "/etc/fleet/roster.yaml";

    private static PaneRecognizer BuiltIn(string runtime) => BuiltInRuntimes.All[runtime].States;

    public static TheoryData<string, string, AgentStateName?> Screens => new()
    {
        { "claude", ScreenSamples.ClaudeIdle, AgentStateName.Idle },
        { "claude", ScreenSamples.ClaudeDraft, AgentStateName.Idle },
        { "claude", ScreenSamples.ClaudeWorking, AgentStateName.Working },
        { "claude", ScreenSamples.ClaudePermission, AgentStateName.Waiting },
        { "codex", ScreenSamples.CodexIdle, AgentStateName.Idle },
        { "codex", ScreenSamples.CodexWorking, AgentStateName.Working },
        { "codex", ScreenSamples.CodexApproval, AgentStateName.Waiting },
        { "gemini", ScreenSamples.GeminiIdle, AgentStateName.Idle },
        { "gemini", ScreenSamples.GeminiWorking, AgentStateName.Working },
        { "gemini", ScreenSamples.GeminiApproval, AgentStateName.Waiting },
        { "pi", ScreenSamples.PiWorking, AgentStateName.Working },
        // pi's editor is the line between two rules, empty here; with no spinner above it, pi is idle.
        { "pi", ScreenSamples.PiIdle, AgentStateName.Idle },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public void The_built_in_patterns_recognize_each_runtimes_screens(string runtime, string screen, AgentStateName? expected)
    {
        var verdict = BuiltIn(runtime).Recognize(screen);

        Assert.Equal(expected, verdict?.State);
    }

    [Theory]
    [InlineData("claude", "codex")]
    [InlineData("codex", "claude")]
    public void One_runtimes_patterns_do_not_read_another_runtimes_idle_screen_as_idle(string runtime, string other)
    {
        var screen = other == "claude" ? ScreenSamples.ClaudeIdle : ScreenSamples.CodexIdle;

        var verdict = BuiltIn(runtime).Recognize(screen);

        Assert.NotEqual(AgentStateName.Idle, verdict?.State);
    }

    [Fact]
    public void An_empty_claude_box_needs_the_no_break_space()
    {
        var withPlainSpace = ScreenSamples.ClaudeIdle.Replace("❯\u00a0", "❯ ");

        Assert.Null(BuiltIn("claude").Recognize(withPlainSpace));
        Assert.Equal(AgentStateName.Idle, BuiltIn("claude").Recognize(ScreenSamples.ClaudeIdle)?.State);
    }

    [Fact]
    public void The_verdict_names_the_pattern_that_matched()
    {
        var verdict = BuiltIn("codex").Recognize(ScreenSamples.CodexWorking);

        Assert.NotNull(verdict);
        Assert.Contains("esc to interrupt", verdict.Pattern);
    }

    [Fact]
    public void A_dialog_quoted_above_the_bottom_25_non_blank_lines_does_not_count()
    {
        var high = BuiltIn("claude").Recognize(ScreenSamples.ClaudeIdleQuotingADialogHighUp(linesBelow: 20));
        // One line further down, the quoted "esc to interrupt" is the 25th non-blank line from the bottom.
        var low = BuiltIn("claude").Recognize(ScreenSamples.ClaudeIdleQuotingADialogHighUp(linesBelow: 19));

        Assert.Equal(AgentStateName.Idle, high?.State);
        Assert.Equal(AgentStateName.Working, low?.State);
    }

    [Fact]
    public void The_bottom_keeps_the_last_25_non_blank_lines()
    {
        var screen = string.Join("\n\n", Enumerable.Range(1, 40).Select(i => $"row {i}")) + "\n\n\n";

        var bottom = PaneRecognizer.Bottom(screen).Split('\n');

        Assert.Equal(25, bottom.Length);
        Assert.Equal("row 16", bottom[0]);
        Assert.Equal("row 40", bottom[^1]);
    }

    [Fact]
    public void Waiting_wins_over_working_and_working_over_idle()
    {
        var recognizer = RosterLoader.Parse("""
            runtimes:
              mine:
                commands: [mine]
                states:
                  idle: ["^IDLE"]
                  working: ["(?m)^BUSY"]
                  waiting: ["(?m)^ASK"]
            agents: []
            """, File).Runtimes["mine"].States;

        Assert.Equal(AgentStateName.Waiting, recognizer.Recognize("IDLE\nBUSY\nASK\n")?.State);
        Assert.Equal(AgentStateName.Working, recognizer.Recognize("IDLE\nBUSY\n")?.State);
        Assert.Equal(AgentStateName.Idle, recognizer.Recognize("IDLE\n")?.State);
        Assert.Null(recognizer.Recognize("nothing here\n"));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_roster_pattern_that_backtracks_catastrophically_times_out_to_unknown()
    {
        var recognizer = RosterLoader.Parse("""
            runtimes:
              slow:
                commands: [slow]
                states:
                  waiting: ['^(\w+\s?)*$']
                  idle: ['(?m)^READY']
            agents: []
            """, File).Runtimes["slow"].States;
        var screen = new string('a', 40) + "!\nREADY\n";
        var watch = Stopwatch.StartNew();

        var verdict = await Task.Run(() => recognizer.Recognize(screen));

        // Without the timeout the idle pattern would have answered; with it, nothing is guessed.
        Assert.Null(verdict);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        // (Roster patterns anchor at each line: "READY!" is no run of words to the end of its line, so idle answers.)
        Assert.Equal(AgentStateName.Idle, recognizer.Recognize("a!\nREADY!\n")?.State);
    }

    [Fact]
    public void A_roster_states_block_replaces_the_built_in_screens_of_that_runtime()
    {
        var roster = RosterLoader.Parse("""
            runtimes:
              claude:
                commands: [claude]
                states:
                  idle: ["(?m)^my-idle$"]
            agents: []
            """, File);
        var states = roster.Runtimes["claude"].States;

        Assert.Null(states.Recognize(ScreenSamples.ClaudeIdle));
        Assert.Equal(AgentStateName.Idle, states.Recognize("x\nmy-idle\n")?.State);
        Assert.Empty(states.Waiting);
        Assert.Empty(states.Working);
    }

    [Fact]
    public void An_overridden_built_in_runtime_without_states_keeps_the_built_in_screens()
    {
        var roster = RosterLoader.Parse("""
            runtimes:
              claude:
                commands: [claude, claude-wrapper]
              codex:
                commands: [codex]
                match: ['codex-nightly']
            agents: []
            """, File);

        Assert.Equal(AgentStateName.Idle, roster.Runtimes["claude"].States.Recognize(ScreenSamples.ClaudeIdle)?.State);
        Assert.Equal(AgentStateName.Waiting, roster.Runtimes["claude"].States.Recognize(ScreenSamples.ClaudePermission)?.State);
        Assert.Equal(AgentStateName.Working, roster.Runtimes["codex"].States.Recognize(ScreenSamples.CodexWorking)?.State);
    }

    [Fact]
    public void A_new_runtime_without_states_recognizes_nothing()
    {
        var roster = RosterLoader.Parse("runtimes:\n  mine:\n    commands: [mine]\nagents: []\n", File);

        Assert.True(roster.Runtimes["mine"].States.IsEmpty);
        Assert.Null(roster.Runtimes["mine"].States.Recognize(ScreenSamples.ClaudeWorking));
    }

    [Fact]
    public void A_bad_regex_under_states_is_a_roster_error_with_its_file_and_line()
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse("""
            runtimes:
              mine:
                commands: [mine]
                states:
                  idle: ["ok"]
                  waiting: ["(unclosed"]
            agents: []
            """, File));

        Assert.Equal(File, e.File);
        Assert.Equal(6, e.Line);
        Assert.Equal("runtimes.mine.states.waiting[0]", e.Key);
        Assert.StartsWith($"{File}:6: runtimes.mine.states.waiting[0]: not a valid regular expression", e.Message);
    }

    [Fact]
    public void An_unknown_key_under_states_is_a_roster_error_with_its_file_and_line()
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse("""
            runtimes:
              mine:
                commands: [mine]
                states:
                  idle: ["ok"]
                  busy: ["x"]
            agents: []
            """, File));

        Assert.Equal(6, e.Line);
        Assert.Equal("runtimes.mine.states.busy", e.Key);
        Assert.StartsWith($"{File}:6: runtimes.mine.states.busy: unknown key", e.Message);
    }

    [Fact]
    public void A_states_value_that_is_not_a_mapping_is_a_roster_error()
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse("""
            runtimes:
              mine:
                commands: [mine]
                states: ["idle"]
            agents: []
            """, File));

        Assert.Equal(4, e.Line);
        Assert.StartsWith($"{File}:4: ", e.Message);
    }
}
