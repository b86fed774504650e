using System.Text.RegularExpressions;
using FleetExporter.Operator;
using FleetExporter.Roster;
using FleetExporter.Sources.Journal;

namespace FleetExporter.Tests.Operator;

/// <summary>The pure verdict, from pane text as tmux captured it.</summary>
public sealed class SendVerdictClassifierTests
{
    private static readonly IReadOnlyList<Regex> Default = [BuiltInRuntimes.DefaultPrompt];

    private const string NodeBefore = "Welcome to Node.js v20.20.2.\nType \".help\" for more information.\n> \n\n";
    private const string NodeAfter = "Welcome to Node.js v20.20.2.\nType \".help\" for more information.\n> console.log(6*7)\n42\nundefined\n> \n";

    private const string ClaudeDraft = """
        ╭──────────────────────────────────────────────╮
        │ > please run the tests and report back        │
        ╰──────────────────────────────────────────────╯
          ? for shortcuts
        """;

    private const string ClaudeIdle = """
        ╭──────────────────────────────────────────────╮
        │ >                                            │
        ╰──────────────────────────────────────────────╯
          ? for shortcuts
        """;

    [Fact]
    public void A_REPL_that_answered_and_shows_an_empty_prompt_accepted_the_message()
    {
        var v = SendVerdictClassifier.Classify(NodeBefore, NodeAfter, "console.log(6*7)", Default, 0);
        Assert.Equal(SendOutcome.Accepted, v.Outcome);
    }

    [Fact]
    public void Text_left_in_a_boxed_input_line_is_a_draft()
    {
        var v = SendVerdictClassifier.Classify(ClaudeIdle, ClaudeDraft, "please run the tests and report back", Default, 0);
        Assert.Equal(SendOutcome.Draft, v.Outcome);
        Assert.Contains("please run the tests", v.Reason);
    }

    /// <summary>A long paste left unsubmitted shows as a placeholder, not as the message (Codex, Claude Code, Gemini CLI).</summary>
    [Theory]
    [InlineData("› [Pasted Content 1500 chars]")]
    [InlineData("❯ [Pasted text #1 +12 lines]")]
    [InlineData(" > [Pasted Text: 40 lines]")]
    public void A_pasted_content_placeholder_in_the_input_line_is_a_draft(string inputLine)
    {
        var v = SendVerdictClassifier.Classify(ClaudeIdle, "some output\n" + inputLine + "\n  ? for shortcuts\n", new string('z', 2000), Default, 0);
        Assert.Equal(SendOutcome.Draft, v.Outcome);
        Assert.Contains("pasted content", v.Reason);
    }

    [Fact]
    public void The_input_line_emptied_after_a_change_is_accepted_even_if_the_message_is_echoed_above()
    {
        var after = "│ > please run the tests and report back\n● Running the tests now\n" + ClaudeIdle;
        var v = SendVerdictClassifier.Classify(ClaudeIdle, after, "please run the tests and report back", Default, 0);
        Assert.Equal(SendOutcome.Accepted, v.Outcome);
    }

    [Fact]
    public void Unread_bytes_in_the_terminal_make_a_changed_pane_unverifiable()
    {
        // The tty echoes typed text even when the program never reads it.
        var v = SendVerdictClassifier.Classify("\n\n", "hello\n\n", "hello", Default, 6);
        Assert.Equal(SendOutcome.Unverifiable, v.Outcome);
        Assert.Contains("6 typed bytes", v.Reason);
    }

    [Fact]
    public void An_unknown_input_queue_fails_closed()
    {
        var v = SendVerdictClassifier.Classify(NodeBefore, NodeAfter, "console.log(6*7)", Default, null);
        Assert.Equal(SendOutcome.Unverifiable, v.Outcome);
    }

    [Fact]
    public void A_pane_that_did_not_change_is_unverifiable()
    {
        var v = SendVerdictClassifier.Classify(NodeBefore, NodeBefore + "\n\n", "console.log(6*7)", Default, 0);
        Assert.Equal(SendOutcome.Unverifiable, v.Outcome);
        Assert.Contains("did not change", v.Reason);
    }

    [Fact]
    public void A_blank_pane_is_unverifiable()
    {
        var v = SendVerdictClassifier.Classify("", "\n\n  \n", "hello", Default, 0);
        Assert.Equal(SendOutcome.Unverifiable, v.Outcome);
        Assert.Contains("blank", v.Reason);
    }

    [Fact]
    public void A_runtime_prompt_pattern_from_the_roster_finds_its_own_input_line()
    {
        IReadOnlyList<Regex> custom = [new(@"^INPUT\[(?<input>.*)\]$")];
        var after = "submissions: 0\nINPUT[deploy the fix]\n";
        Assert.Equal(SendOutcome.Draft, SendVerdictClassifier.Classify("submissions: 0\nINPUT[]\n", after, "deploy the fix", custom, 0).Outcome);
        // The default `> ` pattern does not know this input line, so the same pane reads as accepted.
        Assert.Equal(SendOutcome.Accepted, SendVerdictClassifier.Classify("submissions: 0\nINPUT[]\n", after, "deploy the fix", Default, 0).Outcome);
    }

    [Fact]
    public void A_multi_line_message_shown_in_the_input_is_a_draft()
    {
        var after = "> first line of the plan\n  second line of the plan\n";
        var v = SendVerdictClassifier.Classify("> \n", after, "first line of the plan\nsecond line of the plan", Default, 0);
        Assert.Equal(SendOutcome.Draft, v.Outcome);
    }

    [Fact]
    public void A_short_unrelated_input_is_not_taken_for_the_message()
    {
        Assert.False(SendVerdictClassifier.HoldsMessage("a", "add a test for the parser"));
        Assert.True(SendVerdictClassifier.HoldsMessage("add a test for the", "add a test for the parser"));
        Assert.True(SendVerdictClassifier.HoldsMessage("ok", "ok"));
        Assert.False(SendVerdictClassifier.HoldsMessage("", "ok"));
    }

    [Fact]
    public void Python_prompts_are_not_mistaken_for_the_default_input_line()
    {
        Assert.Null(SendVerdictClassifier.InputLine(">>> print(6*7)\n42\n>>> ", Default));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_prompt_pattern_that_runs_out_of_time_leaves_the_send_unverifiable_not_accepted()
    {
        IReadOnlyList<Regex> hostile = [new(@"^> (?<input>(a+)+)$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200))];
        var message = new string('a', 40) + "!";

        var verdict = await Task.Run(() => SendVerdictClassifier.Classify("> \n", $"> {message}\n", message, hostile, queuedBytes: 0));

        Assert.Equal(SendOutcome.Unverifiable, verdict.Outcome);
        Assert.Contains("(a+)+", verdict.Reason);
    }
}
