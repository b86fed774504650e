using System.Diagnostics;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// Where and how <c>send</c> types, against real programs in a private tmux server, through the real binary: the
/// exact target, the Enter after the text, copy mode, hostile text. What it then reports is <see cref="SendVerdictTests"/>.
/// </summary>
public sealed class SendTests
{
    private const int Timeout = 90_000;

    [Fact(Timeout = Timeout)]
    public async Task A_message_for_a_never_lands_in_ab()
    {
        await using var rig = new OperatorRig().WithRoster(["a", "ab"]);
        await rig.StartAsync("ab", "exec cat");
        await rig.StartAsync("abc", "exec cat");

        var r = await rig.FleetAsync("send", "--allow-unknown", "a", "for-a-only");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("no tmux session \"a\"", r.StandardError);
        await Task.Delay(500);
        Assert.DoesNotContain("for-a-only", await rig.Tmux.CaptureAsync("ab"));
        Assert.DoesNotContain("for-a-only", await rig.Tmux.CaptureAsync("abc"));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_message_for_a_lands_in_a_and_not_in_ab()
    {
        await using var rig = new OperatorRig().WithRoster(["a", "ab"]);
        await rig.StartAsync("ab", "exec cat");
        await rig.StartAsync("a", "exec cat");

        var r = await rig.FleetAsync("send", "--allow-unknown", "a", "for-a-only", "--verify");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("for-a-only", await rig.Tmux.CaptureAsync("a"));
        Assert.DoesNotContain("for-a-only", await rig.Tmux.CaptureAsync("ab"));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_message_lands_in_the_first_pane_of_the_agent_session_even_when_another_window_is_current()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat");
        var first = await rig.Tmux.DisplayAsync("ag", "#{pane_id}");
        // Someone splits the agent's window, then opens a split shell window in the session and leaves it current.
        await rig.Tmux.RunAsync("split-window", "-t", first, "exec cat");
        await rig.Tmux.RunAsync("new-window", "-t", "=ag:", "exec cat");
        await rig.Tmux.RunAsync("split-window", "-t", "=ag:", "exec cat");
        var others = (await rig.Tmux.RunAsync("list-panes", "-s", "-t", "=ag", "-F", "#{pane_id}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => p != first).ToList();
        Assert.Equal(3, others.Count);
        Assert.NotEqual(first, await rig.Tmux.DisplayAsync("ag", "#{pane_id}"));
        // The pane the fleet join judges for this session is the first one.
        var joined = TmuxListParser.Parse(await rig.Tmux.RunAsync("list-panes", "-a", "-F", TmuxListParser.Format));
        Assert.Equal(first, joined["ag"].PaneId);

        var r = await rig.FleetAsync("send", "--allow-unknown", "ag", "for-the-agent", "--verify", "--json");

        foreach (var other in others)
            Assert.Empty(await LinesAsync(rig, other));
        Assert.Equal(["for-the-agent", "for-the-agent"], await LinesAsync(rig, first));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(first, OperatorRig.Json(r).GetProperty("target").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task The_default_enter_delay_gets_the_Enter_past_a_TUI_that_drops_an_Enter_arriving_with_the_text()
    {
        await using var rig = new OperatorRig().WithRoster(["tui"]);
        var tui = rig.WriteFakeTui();
        await rig.StartAsync("tui", $"exec python3 {tui} --burst={FakeTui.Burst}", readyText: "submissions: 0");

        var r = await rig.FleetAsync("send", "--allow-unknown", "tui", "run the linter", "--verify", "--json");

        Assert.Equal(0, r.ExitCode);
        var json = OperatorRig.Json(r);
        Assert.Equal("accepted", json.GetProperty("verdict").GetString());
        Assert.Contains("got: run the linter", json.GetProperty("after").GetProperty("text").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task Without_the_enter_delay_a_TUI_that_drops_an_Enter_arriving_with_the_text_keeps_a_draft()
    {
        await using var rig = new OperatorRig().WithRoster(["tui"]);
        await StartTuiDroppingAnEnterWithTheTextAsync(rig);

        var r = await rig.FleetAsync("send", "--allow-unknown", "tui", "run the linter", "--enter-delay", "0");

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await rig.Tmux.CaptureAsync("tui")).Contains("> run the linter"), TimeSpan.FromSeconds(20)),
            "the TUI never drew the text: " + await rig.Tmux.CaptureAsync("tui"));
        Assert.Contains("submissions: 0", await rig.Tmux.CaptureAsync("tui"));
    }

    [Fact(Timeout = Timeout)]
    public async Task Without_the_enter_delay_verify_sees_the_draft_and_its_second_Enter_submits_it_once()
    {
        await using var rig = new OperatorRig().WithRoster(["tui"]);
        await StartTuiDroppingAnEnterWithTheTextAsync(rig);

        var r = await rig.FleetAsync("send", "--allow-unknown", "tui", "run the linter", "--enter-delay", "0", "--verify", "--json");

        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = OperatorRig.Json(r);
        Assert.Equal("accepted", json.GetProperty("verdict").GetString());
        Assert.Contains("the Enter was not taken at first; pressed 2 times", json.GetProperty("reason").GetString());
        var screen = await rig.Tmux.CaptureAsync("tui");
        Assert.Contains("submissions: 1", screen);
        Assert.Single(screen.Split('\n'), l => l == "got: run the linter");
    }

    /// <summary>
    /// "With the text" is an event, not a window: the TUI's first read lasts until tmux has typed the Enter (a hook
    /// marks each send-keys), so it drops that Enter however long send's check between the text and the Enter takes.
    /// Later Enters arrive alone and are taken.
    /// </summary>
    private static async Task StartTuiDroppingAnEnterWithTheTextAsync(OperatorRig rig)
    {
        var enterTyped = rig.Dir.File("enter-typed");
        await rig.StartAsync("tui", $"exec python3 {rig.WriteFakeTui()} --burst-until={enterTyped}", readyText: "submissions: 0");
        await rig.Tmux.RunAsync("set-hook", "-g", "after-send-keys", $"run-shell 'touch {enterTyped}'");
    }

    [Theory(Timeout = Timeout)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pane_in_copy_mode_is_refused_and_left_as_the_operator_left_it(bool verify)
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");
        var pane = await rig.Tmux.DisplayAsync("cat1", "#{pane_id}");
        await rig.Tmux.RunAsync("copy-mode", "-t", pane);

        var r = verify
            ? await rig.FleetAsync("send", "--allow-unknown", "cat1", "scrolled-back", "--verify", "--verify-timeout", "1000")
            : await rig.FleetAsync("send", "--allow-unknown", "cat1", "scrolled-back");

        // Not ready for a prompt: its own exit code, nothing typed (issue: copy mode is one of the refusals).
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("copy mode", r.StandardError);
        Assert.Contains("NOT SENT", r.StandardError);
        Assert.Equal("", r.StandardOutput);
        Assert.Equal("1", await rig.Tmux.DisplayAsync("cat1", "#{pane_in_mode}"));
        await rig.Tmux.RunAsync("send-keys", "-t", pane, "-X", "cancel");
        await Task.Delay(300);
        Assert.Empty(await LinesAsync(rig, pane));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_put_in_copy_mode_between_the_text_and_the_Enter_is_reported_as_not_submitted()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");
        var pane = await rig.Tmux.DisplayAsync("cat1", "#{pane_id}");

        var send = rig.FleetAsync("send", "--allow-unknown", "cat1", "half-way", "--enter-delay", "4000");
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await LinesAsync(rig, pane)).Contains("half-way"), TimeSpan.FromSeconds(20)),
            "the text was not typed");
        await rig.Tmux.RunAsync("copy-mode", "-t", pane);
        var r = await send;

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NOT SUBMITTED", r.StandardError);
        Assert.Contains("copy mode", r.StandardError);
        Assert.Equal("1", await rig.Tmux.DisplayAsync("cat1", "#{pane_in_mode}"));
        await rig.Tmux.RunAsync("send-keys", "-t", pane, "-X", "cancel");
        await Task.Delay(300);
        Assert.Equal(["half-way"], await LinesAsync(rig, pane)); // echoed by the tty, never read back by cat
    }

    [Theory(Timeout = Timeout)]
    [InlineData("Enter")]
    [InlineData("-x --help")]
    [InlineData("ends with a semicolon;")]
    [InlineData(@"ends with an escaped one\;")]
    [InlineData(";")]
    [InlineData("say \"hi\" and 'bye' $HOME `id` #{pane_id} %1 ~")]
    [InlineData("non-ASCII: é ü 日本語 ❯ ✓")]
    [InlineData("C-c Escape Tab")]
    public async Task Hostile_text_arrives_literally_and_is_submitted_once(string message)
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");

        var r = await rig.FleetAsync("send", "--allow-unknown", "cat1", message, "--verify");

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StandardError}");
        // cat in a cooked terminal: the tty echoes the line, then cat prints it back: two identical lines.
        var lines = (await rig.Tmux.CaptureAsync("cat1")).Split('\n').Where(l => l.Length > 0).ToList();
        Assert.Equal([message, message], lines);
    }

    private static async Task<List<string>> LinesAsync(OperatorRig rig, string paneId) =>
        (await rig.Tmux.RunAsync("capture-pane", "-p", "-t", paneId)).Split('\n').Where(l => l.Length > 0).ToList();
}
