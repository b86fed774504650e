using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// The first message to an agent that has just started: a runtime still starting gets nothing (it would hold the
/// text and submit it later), and an agent whose hooks are installed (roster <c>hooks: true</c>) is waited for up to
/// the verify timeout, because its first hooks may report long after its pane looked accepted.
/// </summary>
public sealed class SendFirstMessageTests
{
    private const int Timeout = 90_000;

    /// <summary>
    /// A reader that reports each line it reads through the real hook command (as Codex's UserPromptSubmit hook does)
    /// only after <c>argv[1]</c> seconds: its first hook report comes well after the pane shows the line taken.
    /// </summary>
    private const string LateHookReader = """
        import json, subprocess, sys, time
        delay, dotnet, dll, roster, agent = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        while True:
            line = input("ready> ")
            print("got: " + line, flush=True)
            time.sleep(delay)
            payload = {"session_id": "s-1", "turn_id": "t-1", "transcript_path": "/tmp/none.jsonl", "cwd": "/tmp",
                       "hook_event_name": "UserPromptSubmit", "model": "m", "permission_mode": "default", "prompt": line}
            subprocess.run([dotnet, dll, "--roster", roster, "hook", agent, "--runtime", "codex"], input=json.dumps(payload).encode(), check=False)
        """;

    [Fact(Timeout = Timeout)]
    public async Task A_runtime_whose_screen_shows_it_still_starting_gets_nothing_even_with_allow_unknown()
    {
        await using var rig = new OperatorRig().WithRoster(["b1:booter"],
            "  booter: { match: ['.'], states: { starting: ['^booting'], idle: ['^ready>'] } }\n");
        await rig.StartAsync("b1", "printf 'booting\\n'; exec cat", readyText: "booting");

        var r = await rig.FleetAsync("send", "--allow-unknown", "b1", "too early", "--verify", "--json");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("still starting", r.StandardError);
        var json = OperatorRig.Json(r);
        Assert.Equal("not_ready", json.GetProperty("verdict").GetString());
        Assert.False(json.GetProperty("text_typed").GetBoolean());
        Assert.Equal("working", json.GetProperty("state_before").GetProperty("screen").GetString());
        await Task.Delay(300);
        Assert.DoesNotContain("too early", await rig.Tmux.CaptureAsync("b1"));
    }

    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
    [Fact(Timeout = Timeout)]
    public async Task An_agent_with_hooks_installed_is_acknowledged_though_its_first_hook_reports_long_after_the_pane_looked_accepted()
    {
        await using var rig = new OperatorRig().WithRoster([]);
        var roster = WriteRoster(rig, hooks: true);
        await StartLateHookReaderAsync(rig, roster, delaySeconds: 5);

        var r = await FleetBinary.RunAsync(["--roster", roster, "send", "a1", "first words", "--verify", "--verify-timeout", "40000", "--json"]);

        var json = OperatorRig.Json(r);
        Assert.True(r.ExitCode == 0, r.StandardError + r.StandardOutput);
        Assert.Equal("acknowledged", json.GetProperty("verdict").GetString());
        Assert.Equal("t-1", json.GetProperty("prompt_id").GetString());
        Assert.True(json.GetProperty("elapsed_ms").GetDouble() >= 5000, "acknowledged before the hook ran: " + json);
    }

    [Fact(Timeout = Timeout)]
    public async Task Without_hooks_in_the_roster_and_no_hook_report_yet_the_same_agent_only_looks_accepted()
    {
        await using var rig = new OperatorRig().WithRoster([]);
        var roster = WriteRoster(rig, hooks: false);
        await StartLateHookReaderAsync(rig, roster, delaySeconds: 20);

        var r = await FleetBinary.RunAsync(["--roster", roster, "send", "a1", "first words", "--verify", "--verify-timeout", "40000", "--json"]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("accepted", OperatorRig.Json(r).GetProperty("verdict").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task An_agent_said_to_have_hooks_that_never_acknowledge_is_unverifiable_not_accepted()
    {
        await using var rig = new OperatorRig().WithRoster([]);
        var roster = WriteRoster(rig, hooks: true, runtime: "{ match: ['.'], states: { idle: ['^ready>'] } }");
        await rig.StartAsync("a1", "printf 'ready> '; exec cat", readyText: "ready>");

        var r = await FleetBinary.RunAsync(["--roster", roster, "send", "a1", "first words", "--verify", "--verify-timeout", "3000", "--json"]);

        Assert.Equal(1, r.ExitCode);
        var json = OperatorRig.Json(r);
        Assert.Equal("unverifiable", json.GetProperty("verdict").GetString());
        Assert.Contains("did not acknowledge", json.GetProperty("reason").GetString());
    }

    /// <summary>A roster of one agent a1 on the rig's server, with or without <c>hooks: true</c>.</summary>
    private static string WriteRoster(OperatorRig rig, bool hooks, string? runtime = null) =>
        rig.Write(rig.Spec with
        {
            Interval = TimeSpan.FromSeconds(1),
            Runtimes = [("reader", runtime ?? "{ match: ['.'], states: { idle: ['^ready>'] } }")],
            Agents = [new("a1", "reader", $"hooks: {(hooks ? "true" : "false")}")],
        });

    private static async Task StartLateHookReaderAsync(OperatorRig rig, string roster, int delaySeconds)
    {
        var script = rig.Dir.Write("late_hook_reader.py", LateHookReader);
        var state = rig.Dir.File("state");
        await rig.StartAsync("a1",
            $"XDG_STATE_HOME={state} exec python3 {script} {delaySeconds} {FleetBinary.DotnetHost} {FleetBinary.Dll} {roster} a1", readyText: "ready>");
    }
}
