using System.Diagnostics;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Operator;

/// <summary><c>send</c> against real programs in a private tmux server, through the real binary.</summary>
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

        Assert.Equal(0, r.ExitCode);
        // cat in a cooked terminal: the tty echoes the line, then cat prints it back: two identical lines.
        var lines = (await rig.Tmux.CaptureAsync("cat1")).Split('\n').Where(l => l.Length > 0).ToList();
        Assert.Equal([message, message], lines);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_node_REPL_accepts_the_message()
    {
        await using var rig = new OperatorRig().WithRoster(["n"]);
        await rig.StartAsync("n", "exec node", readyText: "information.\n>");

        var r = await rig.FleetAsync("send", "--allow-unknown", "n", "console.log(6*7)", "--verify", "--json");

        Assert.Equal(0, r.ExitCode);
        var json = OperatorRig.Json(r);
        Assert.Equal("accepted", json.GetProperty("verdict").GetString());
        Assert.Equal(await rig.Tmux.DisplayAsync("n", "#{pane_id}"), json.GetProperty("target").GetString());
        Assert.Contains("42", json.GetProperty("after").GetProperty("text").GetString());
        Assert.DoesNotContain("42", json.GetProperty("before").GetProperty("text").GetString());
        Assert.Equal(0, json.GetProperty("after").GetProperty("tty_queued_bytes").GetInt32());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_python_REPL_accepts_the_message()
    {
        await using var rig = new OperatorRig().WithRoster(["py"]);
        await rig.StartAsync("py", "exec python3 -i -q", readyText: ">>>");

        var r = await rig.FleetAsync("send", "--allow-unknown", "py", "print(6*7)", "--verify");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("accepted by py", r.StandardOutput);
        Assert.Contains("\n42", await rig.Tmux.CaptureAsync("py"));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_program_that_never_reads_its_terminal_is_unverifiable_although_the_pane_changed()
    {
        await using var rig = new OperatorRig().WithRoster(["deaf"]);
        await rig.StartAsync("deaf", "exec sleep 600");

        // Room for three polls of 400 ms even when each pane capture is slow.
        const int verifyTimeoutMs = 3000;
        var watch = Stopwatch.StartNew();
        var r = await rig.FleetAsync("send", "--allow-unknown", "deaf", "hello there", "--verify", "--verify-timeout", verifyTimeoutMs.ToString(), "--json");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("UNVERIFIABLE", r.StandardError);
        var json = OperatorRig.Json(r);
        Assert.Equal("unverifiable", json.GetProperty("verdict").GetString());
        Assert.Contains("hello there", json.GetProperty("after").GetProperty("text").GetString()); // the tty echoed it
        Assert.True(json.GetProperty("after").GetProperty("tty_queued_bytes").GetInt32() > 0);
        Assert.True(json.GetProperty("polls").GetInt32() >= 3, "unverifiable keeps polling until the timeout");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(verifyTimeoutMs));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_stopped_program_is_unverifiable()
    {
        await using var rig = new OperatorRig().WithRoster(["stopped"]);
        // tmux sends SIGCONT to a pane's own process when it stops, so the stopped program is a child of the pane's shell.
        await rig.StartAsync("stopped", "cat; exit 0");
        var shell = await rig.Tmux.DisplayAsync("stopped", "#{pane_pid}");
        int pid = 0;
        Assert.True(await TmuxServer.EventuallyAsync(() =>
        {
            var children = File.ReadAllText($"/proc/{shell}/task/{shell}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return Task.FromResult(children.Length == 1 && int.TryParse(children[0], out pid));
        }), "cat did not start under the pane's shell");
        using var stop = Process.Start("kill", ["-STOP", pid.ToString()]);
        await stop.WaitForExitAsync();
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('T'))),
            "cat did not stop");
        try
        {
            var r = await rig.FleetAsync("send", "--allow-unknown", "stopped", "are you there", "--verify", "--verify-timeout", "1200", "--json");

            Assert.Equal(1, r.ExitCode);
            var json = OperatorRig.Json(r);
            Assert.Equal("unverifiable", json.GetProperty("verdict").GetString());
            Assert.True(json.GetProperty("after").GetProperty("tty_queued_bytes").GetInt32() > 0);
        }
        finally
        {
            using var cont = Process.Start("kill", ["-CONT", pid.ToString()]);
            await cont.WaitForExitAsync();
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task A_program_that_reads_but_draws_nothing_leaves_a_blank_pane_which_is_unverifiable()
    {
        await using var rig = new OperatorRig().WithRoster(["mute"]);
        // The program says when its terminal is raw: text typed before that would be echoed, then flushed by setraw.
        var ready = rig.Dir.File("mute.ready");
        await rig.StartAsync("mute", $"exec python3 -c 'import os, tty; tty.setraw(0); open(\"{ready}\", \"w\").close(); [os.read(0, 1024) for _ in iter(int, 1)]'");
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(ready)), TimeSpan.FromSeconds(20)), "the program never set its terminal raw");

        var r = await rig.FleetAsync("send", "--allow-unknown", "mute", "anyone", "--verify", "--verify-timeout", "1200", "--json");

        Assert.Equal(1, r.ExitCode);
        var json = OperatorRig.Json(r);
        Assert.Equal("unverifiable", json.GetProperty("verdict").GetString());
        Assert.Contains("blank", json.GetProperty("reason").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task Text_left_in_a_TUI_input_line_is_a_draft()
    {
        await using var rig = new OperatorRig().WithRoster(["tui"]);
        var tui = rig.WriteFakeTui();
        await rig.StartAsync("tui", $"exec python3 {tui} --ignore-enter", readyText: "submissions: 0");

        var r = await rig.FleetAsync("send", "--allow-unknown", "tui", "please run the tests", "--verify", "--json");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("NOT SUBMITTED (draft)", r.StandardError);
        var json = OperatorRig.Json(r);
        Assert.Equal("draft", json.GetProperty("verdict").GetString());
        Assert.True(json.GetProperty("elapsed_ms").GetDouble() < 5000, "draft ends the poll early");
    }

    [Fact(Timeout = Timeout)]
    public async Task The_roster_runtime_prompt_pattern_is_used_for_drafts()
    {
        await using var rig = new OperatorRig().WithRoster(["tui:boxy"], "  boxy: { commands: [python3], prompts: ['^INPUT\\[(?<input>.*)\\]$'] }\n");
        var tui = rig.WriteFakeTui();
        await rig.StartAsync("tui", $"exec python3 {tui} --ignore-enter --brackets", readyText: "submissions: 0");

        var r = await rig.FleetAsync("send", "--allow-unknown", "tui", "deploy the fix", "--verify", "--json");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("draft", OperatorRig.Json(r).GetProperty("verdict").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_that_changes_slowly_is_accepted_on_a_later_poll()
    {
        await using var rig = new OperatorRig().WithRoster(["slow"]);
        var tui = rig.WriteFakeTui();
        // The pane stays unchanged long enough for two polls of 400 ms even when each pane capture is slow.
        await rig.StartAsync("slow", $"exec python3 {tui} --delay=3", readyText: "submissions: 0");

        var r = await rig.FleetAsync("send", "--allow-unknown", "slow", "take your time", "--verify", "--verify-timeout", "10000", "--json");

        Assert.Equal(0, r.ExitCode);
        var json = OperatorRig.Json(r);
        Assert.Equal("accepted", json.GetProperty("verdict").GetString());
        Assert.True(json.GetProperty("polls").GetInt32() >= 3, $"accepted after {json.GetProperty("polls").GetInt32()} polls");
        Assert.Contains("got: take your time", json.GetProperty("after").GetProperty("text").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_multi_line_message_arrives_as_one_bracketed_paste_and_one_submission()
    {
        await using var rig = new OperatorRig().WithRoster(["tui"]);
        var tui = rig.WriteFakeTui();
        await rig.StartAsync("tui", $"exec python3 {tui}", readyText: "submissions: 0");

        var r = await rig.FleetAsync("send", "--allow-unknown", "tui", "first line\nsecond line; Enter\n", "--verify");

        Assert.Equal(0, r.ExitCode);
        var pane = await rig.Tmux.CaptureAsync("tui");
        Assert.Contains("submissions: 1", pane);
        Assert.Contains("got: first line\u23cesecond line; Enter", pane);
    }

    [Fact(Timeout = Timeout)]
    public async Task Without_verify_a_send_reports_sent_and_exits_0()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");

        var r = await rig.FleetAsync("send", "--allow-unknown", "cat1", "plain", "--json");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("sent", OperatorRig.Json(r).GetProperty("verdict").GetString());
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await rig.Tmux.CaptureAsync("cat1")).Split('\n').Count(l => l == "plain") == 2));
    }

    [Fact(Timeout = Timeout)]
    public async Task Unknown_agents_empty_messages_control_characters_and_bad_options_are_refused_with_documented_codes()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");

        var unknown = await rig.FleetAsync("send", "--allow-unknown", "nobody", "hi");
        var empty = await rig.FleetAsync("send", "--allow-unknown", "cat1", "");
        var control = await rig.FleetAsync("send", "--allow-unknown", "cat1", "bad\u001b[2Jtext");
        var timeout = await rig.FleetAsync("send", "--allow-unknown", "cat1", "hi", "--verify", "--verify-timeout", "0");
        var badRoster = await FleetBinary.RunAsync(["--roster", rig.Dir.Write("bad.yaml", "agents: [ { name: x } ]\n"), "send", "x", "hi"]);

        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("unknown agent \"nobody\"", unknown.StandardError);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("empty", empty.StandardError);
        Assert.Equal(2, control.ExitCode);
        Assert.Contains("U+001B", control.StandardError);
        Assert.Equal(2, timeout.ExitCode);
        Assert.Equal(2, badRoster.ExitCode);
        Assert.Contains("runtime", badRoster.StandardError);
        await Task.Delay(300);
        Assert.True(string.IsNullOrWhiteSpace(await rig.Tmux.CaptureAsync("cat1")), "nothing may reach the pane");
    }

    [Theory(Timeout = Timeout)]
    [InlineData("x\u001b]52;c;aGk=\u0007", "hi", 3, "unknown agent \"x\\x1b]52;c;aGk=\\x07\"")]
    [InlineData("x\u001b[2J", "bad\u001b[2J", 2, "not sent to \"x\\x1b[2J\"")]
    public async Task An_agent_name_with_control_characters_is_echoed_escaped(string agent, string message, int exitCode, string says)
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);

        var r = await rig.FleetAsync("send", "--allow-unknown", agent, message);

        Assert.Equal(exitCode, r.ExitCode);
        Assert.Contains(says, r.StandardError);
        Assert.DoesNotContain(r.StandardError, c => char.IsControl(c) && c != '\n');
    }

    /// <summary>The pane's non-empty lines.</summary>
    private static async Task<List<string>> LinesAsync(OperatorRig rig, string paneId) =>
        (await rig.Tmux.RunAsync("capture-pane", "-p", "-t", paneId)).Split('\n').Where(l => l.Length > 0).ToList();
}
