using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary>
/// `send` types only on positive evidence: the runtime's empty input box with nothing over it. The built-in
/// <c>ready</c> patterns over every screen recorded from the real agents (Fixtures/README.md): only the empty box,
/// idle or working, is ready; a draft, a dialog, a menu, a start screen or a shell is not.
/// </summary>
public sealed class EmptyInputTests
{
    private static string Screen(string name) =>
        File.ReadAllText(RepoPaths.Of("tests", "FleetExporter.Tests", "Agents", "Fixtures", "screens", name + ".txt"));

    public static TheoryData<string, string, bool> Recorded => new()
    {
        { "claude", "idle", true }, { "claude", "finished", true }, { "claude", "working", true },
        { "claude", "draft", false }, { "claude", "waiting", false }, { "claude", "exited", false },
        { "codex", "idle", true }, { "codex", "finished", true }, { "codex", "working", true },
        { "codex", "draft", false }, { "codex", "waiting", false }, { "codex", "exited", false },
        { "codex", "starting", false }, { "codex", "starting-typed", false },
        { "gemini", "idle", true }, { "gemini", "finished", true }, { "gemini", "working", true },
        { "gemini", "draft", false }, { "gemini", "waiting", false }, { "gemini", "exited", false },
        { "pi", "idle", true }, { "pi", "finished", true }, { "pi", "working", true },
        // pi's last screen stays under the shell's prompt at the top after it exits, so its screen cannot say it is
        // gone: the pane's process tree does (send refuses a stopped runtime first).
        { "pi", "draft", false },
        // Captured from the real agents for this (Fixtures/README.md): menus, drafts Esc put back, pasted content.
        { "claude", "esc-restored", false }, { "claude", "rewind", false }, { "claude", "slash-menu", false },
        { "claude", "bang-mode", false }, { "claude", "long-paste", false }, { "claude", "model-picker", false },
        { "claude", "shortcuts", false },
        { "codex", "esc-restored", true }, { "codex", "hooks-review", false }, { "codex", "hooks-review-list", false },
        { "codex", "long-paste", false }, { "codex", "warnings", false }, { "codex", "esc-once-idle", false },
        { "codex", "backtrack", false }, { "codex", "slash-menu", false }, { "codex", "model-picker", false },
        { "gemini", "esc-restored", true }, { "gemini", "rewind", false }, { "gemini", "slash-menu", false },
        { "gemini", "model-picker", false },
        { "pi", "esc-restored", true }, { "pi", "tree", false }, { "pi", "slash-menu", false }, { "pi", "model-picker", false },
    };

    /// <summary>The menus that take the input's place wait for a human: `ps` says waiting, as for a permission dialog.</summary>
    [Theory]
    [InlineData("claude", "rewind")]
    [InlineData("claude", "model-picker")]
    [InlineData("codex", "hooks-review")]
    [InlineData("codex", "hooks-review-list")]
    [InlineData("codex", "model-picker")]
    [InlineData("gemini", "rewind")]
    [InlineData("gemini", "model-picker")]
    [InlineData("pi", "tree")]
    [InlineData("pi", "model-picker")]
    public void A_menu_over_the_input_is_waiting(string runtime, string screen)
    {
        var verdict = BuiltInRuntimes.All[runtime].States.Recognize(Screen($"{runtime}-{screen}"));

        Assert.Equal(FleetExporter.Agents.State.AgentStateName.Waiting, verdict?.State);
    }

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Only_the_empty_input_box_is_ready(string runtime, string screen, bool ready)
    {
        var shows = BuiltInRuntimes.All[runtime].States.ShowsEmptyInput(Screen($"{runtime}-{screen}"));

        Assert.Equal(ready, shows);
    }

    [Theory]
    [InlineData("claude", "idle")]
    [InlineData("codex", "idle")]
    [InlineData("gemini", "idle")]
    [InlineData("pi", "idle")]
    public void One_runtimes_empty_box_is_not_another_runtimes(string runtime, string screen)
    {
        var text = Screen($"{runtime}-{screen}");

        foreach (var other in new[] { "claude", "codex", "gemini", "pi" }.Where(o => o != runtime))
            Assert.False(BuiltInRuntimes.All[other].States.ShowsEmptyInput(text), $"{other} read {runtime}'s idle screen as its own empty box");
    }

    /// <summary>An empty box quoted higher up (an answer that shows one) does not make a draft at the bottom ready.</summary>
    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    [InlineData("gemini")]
    [InlineData("pi")]
    public void Only_the_box_at_the_bottom_counts(string runtime)
    {
        var quotedAbove = Screen($"{runtime}-idle").TrimEnd() + "\n" + Screen($"{runtime}-draft");

        Assert.False(BuiltInRuntimes.All[runtime].States.ShowsEmptyInput(quotedAbove));
    }

    /// <summary>A line of the agent's own prose that wraps to begin "enter review" is no menu.</summary>
    [Fact]
    public void Codex_prose_that_starts_a_line_with_enter_review_is_not_waiting()
    {
        var screen = Screen("codex-finished").Replace("• ok", "• to finish, you should\n  enter review mode and then look again");

        Assert.NotEqual(FleetExporter.Agents.State.AgentStateName.Waiting, BuiltInRuntimes.All["codex"].States.Recognize(screen)?.State);
    }

    /// <summary>A roster entry that redefines a built-in runtime keeps what sending to it safely needs.</summary>
    [Fact]
    public void A_roster_that_redefines_claude_keeps_its_paste_style_ready_patterns_and_prefixes()
    {
        var roster = RosterLoader.Parse("""
            runtimes:
              claude: { commands: [claude], states: { idle: ['^❯'] } }
            agents: []
            """, "/etc/fleet/roster.yaml");

        var claude = roster.Runtimes["claude"];
        Assert.Equal(BuiltInRuntimes.All["claude"].Paste, claude.Paste);
        Assert.Equal(BuiltInRuntimes.All["claude"].CommandPrefixes, claude.CommandPrefixes);
        Assert.True(claude.States.ShowsEmptyInput(Screen("claude-idle")));
        Assert.False(claude.States.ShowsEmptyInput(Screen("claude-draft")));
    }

    [Fact]
    public void A_runtime_without_ready_patterns_has_no_say()
    {
        Assert.Null(BuiltInRuntimes.All["aider"].States.ShowsEmptyInput("> "));
    }

    [Theory]
    [InlineData("claude", "!touch x", "!")]
    [InlineData("claude", "  /clear", "/")]
    [InlineData("claude", "# remember this", "#")]
    [InlineData("codex", "!rm -rf build", "!")]
    [InlineData("gemini", "/quit", "/")]
    [InlineData("pi", "!!ls", "!")]
    [InlineData("claude", "please run !ls", null)]
    [InlineData("codex", "# a heading", null)]
    [InlineData("aider", "/add x", "/")]
    public void Text_a_runtime_reads_as_a_command_is_named(string runtime, string message, string? prefix)
    {
        Assert.Equal(prefix, BuiltInRuntimes.All[runtime].CommandPrefixOf(message));
    }
}
