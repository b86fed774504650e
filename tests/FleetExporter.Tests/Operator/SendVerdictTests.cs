using System.Diagnostics;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// What <c>send</c> reports after typing, against real programs in a private tmux server, through the real binary:
/// accepted, unverifiable, a draft, sent; and the refusals with their documented codes (a class of its own so that
/// it runs beside <see cref="SendTests"/>).
/// </summary>
public sealed class SendVerdictTests
{
    private const int Timeout = 90_000;

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

    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
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
        var badRoster = await InProcessCli.RunOrSpawnAsync(["--roster", rig.Dir.Write("bad.yaml", "agents: [ { name: x } ]\n"), "send", "x", "hi"]);

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
}
