using System.Diagnostics;
using System.Text.Json;
using FleetExporter.Sources.Journal;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>What `send` says when it cannot know, or must not act: never "failed" for what may have arrived, never a keystroke it cannot justify.</summary>
public sealed class SendOutcomeTests
{
    private const int Timeout = 60_000;

    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
    [Fact(Timeout = Timeout)]
    public async Task A_tmux_server_stopped_before_the_Enter_is_an_unknown_outcome_and_the_Enter_does_arrive_once_it_continues()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");
        var pane = await rig.Tmux.DisplayAsync("cat1", "#{pane_id}");
        var server = int.Parse(await rig.Tmux.DisplayAsync("cat1", "#{pid}"));

        // The server is stopped in the gap before the Enter: after the check that runs in it (the readiness probe
        // and that check each capture the pane once, counted by a hook) and before the Enter, due 5 s after the text.
        var captures = rig.Dir.File("captures");
        await rig.Tmux.RunAsync("set-hook", "-g", "after-capture-pane", $"run-shell 'echo >> {captures}'");
        var send = rig.FleetAsync("send", "--allow-unknown", "cat1", "maybe-delivered", "--enter-delay", "5000");
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(CaptureCount(captures) >= 2 && !ClientRunning(rig, "capture-pane")), TimeSpan.FromSeconds(30)),
            $"the send never reached the gap before the Enter ({CaptureCount(captures)} captures)");
        Signal("-STOP", server);
        Task<FleetExporter.Subprocess.ProcessOutput> finished;
        try { finished = Task.FromResult(await send); }
        finally { Signal("-CONT", server); }
        var r = await finished;

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("OUTCOME UNKNOWN", r.StandardError);
        Assert.Contains("do not resend blindly", r.StandardError);
        // Why "unknown" and not "failed": the stopped server ran the queued Enter when it continued.
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await Lines(rig, pane)).Count(l => l == "maybe-delivered") == 2, TimeSpan.FromSeconds(10)),
            "cat never echoed the submitted line: " + string.Join(" | ", await Lines(rig, pane)));
        var entry = JsonDocument.Parse(File.ReadAllLines(rig.JournalPath).Single()).RootElement;
        Assert.Equal(("unknown", 5), (entry.GetProperty("verdict").GetString(), entry.GetProperty("exit_code").GetInt32()));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_program_whose_state_cannot_be_told_gets_nothing_without_allow_unknown()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");
        var pane = await rig.Tmux.DisplayAsync("cat1", "#{pane_id}");

        var r = await rig.FleetAsync("send", "cat1", "unasked", "--verify", "--json");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("cannot be told", r.StandardError);
        Assert.Contains("--allow-unknown", r.StandardError);
        var json = OperatorRig.Json(r);
        Assert.Equal("not_ready", json.GetProperty("verdict").GetString());
        Assert.Equal("unknown", json.GetProperty("state_before").GetProperty("name").GetString());
        Assert.Empty(await Lines(rig, pane));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_whose_runtime_is_gone_gets_nothing_even_with_allow_unknown()
    {
        await using var rig = new OperatorRig().WithRoster(["gone:sleeper"], "  sleeper: { commands: [sleep] }\n");
        // The runtime (sleep) ended and left a shell: typed text would run as a command.
        await rig.StartAsync("gone", "sleep 0.2; exec bash --norc --noprofile -i", readyText: "bash-");

        var r = await rig.FleetAsync("send", "--allow-unknown", "gone", "touch should-not-exist");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("runtime is not running", r.StandardError);
        Assert.DoesNotContain("should-not-exist", await rig.Tmux.CaptureAsync("gone"));
    }

    [Fact(Timeout = Timeout)]
    public async Task Each_send_leaves_one_journal_line_with_the_fingerprint_and_the_text_only_when_asked()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");

        var plain = await rig.FleetAsync("send", "--allow-unknown", "cat1", "first words", "--verify");
        var kept = await rig.FleetAsync("send", "--allow-unknown", "cat1", "second words", "--journal-message");

        Assert.Equal((0, 0), (plain.ExitCode, kept.ExitCode));
        var lines = File.ReadAllLines(rig.JournalPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(["accepted", "sent"], lines.Select(l => l.GetProperty("verdict").GetString()));
        Assert.Equal("cat1", lines[0].GetProperty("agent").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("first words"u8)), lines[0].GetProperty("sha256").GetString());
        Assert.Equal(11, lines[0].GetProperty("bytes").GetInt32());
        Assert.Equal(Environment.UserName, lines[0].GetProperty("user").GetString());
        Assert.False(lines[0].TryGetProperty("message", out _));
        Assert.Equal("second words", lines[1].GetProperty("message").GetString());
    }

    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
    [Fact(Timeout = Timeout)]
    public async Task A_draft_left_by_an_ignored_Enter_gets_one_more_Enter_with_verify_and_is_submitted_once()
    {
        await using var rig = new OperatorRig().WithRoster(["tui", "tui2"]);
        var tui = rig.WriteFakeTui();
        await rig.StartAsync("tui", $"exec python3 {tui} --ignore-enters=1", readyText: "submissions: 0");
        await rig.StartAsync("tui2", $"exec python3 {tui} --ignore-enters=1", readyText: "submissions: 0");

        var verified = await rig.FleetAsync("send", "--allow-unknown", "tui", "busy starting up", "--verify", "--json");
        var unverified = await rig.FleetAsync("send", "--allow-unknown", "tui2", "busy starting up");
        await Task.Delay(1000);

        Assert.Equal(0, verified.ExitCode);
        var json = OperatorRig.Json(verified);
        Assert.Equal("accepted", json.GetProperty("verdict").GetString());
        Assert.Contains("pressed 2 times", json.GetProperty("reason").GetString());
        var screen = await rig.Tmux.CaptureAsync("tui");
        Assert.Contains("submissions: 1", screen);
        Assert.Single(screen.Split('\n'), l => l == "got: busy starting up");
        // Without --verify nobody looks: the ignored Enter leaves the text in the input.
        Assert.Equal(0, unverified.ExitCode);
        Assert.Contains("submissions: 0", await rig.Tmux.CaptureAsync("tui2"));
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static int CaptureCount(string file) => File.Exists(file) ? File.ReadAllLines(file).Length : 0;

    /// <summary>Whether a tmux client of this rig's server is running the given command (its reply not yet read).</summary>
    private static bool ClientRunning(OperatorRig rig, string command)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            string[] argv;
            try { argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }   // gone meanwhile
            if (argv.Contains(rig.Tmux.SocketName) && argv.Contains(command)) return true;
        }
        return false;
    }

    private static async Task<List<string>> Lines(OperatorRig rig, string pane) =>
        (await rig.Tmux.RunAsync("capture-pane", "-p", "-t", pane)).Split('\n').Where(l => l.Length > 0).ToList();
}
