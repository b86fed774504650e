using System.Text.Json;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// `send --verify` against the real Claude Code and Codex, offline, with their hooks installed: the agent's own
/// acknowledgement of exactly the message sent, and never a keystroke into a permission dialog.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class SendToRealAgentTests(ITestOutputHelper output)
{
    private const string Agent = HookedAgent.AgentName;

    [RealAgentFact("claude")]
    public Task Claude_Code_acknowledges_single_multi_line_and_non_ASCII_messages_and_a_dialog_gets_nothing() =>
        AcknowledgesAndRefusesDialogs(AgentRuntime.Claude, "Do you want to proceed?");

    [RealAgentFact("codex")]
    public Task Codex_acknowledges_single_multi_line_and_non_ASCII_messages_and_a_dialog_gets_nothing() =>
        AcknowledgesAndRefusesDialogs(AgentRuntime.Codex, "Would you like to run the following command?");

    [RealAgentFact("claude")]
    public async Task A_message_to_a_working_Claude_Code_is_queued_and_acknowledged_and_a_draft_is_never_merged()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle");
        await rig.Agent.SubmitAsync("SLOW: write a poem");
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Working, "working on the slow answer");

        // Claude Code queues a prompt typed while it works: its hook fires at submit time, the model sees it next.
        var queued = await SendAsync(rig, "and then list three colours");
        Assert.Equal(("acknowledged", 0), Verdict(queued));
        Assert.Equal("working", Json(queued).GetProperty("state_before").GetProperty("name").GetString());
        await rig.UntilAsync(_ => rig.Agent.ModelRequests().Any(r => r["body"]!.ToJsonString().Contains("and then list three colours", StringComparison.Ordinal)),
            "the queued message reaching the model after the running turn", TimeSpan.FromSeconds(40));

        // Someone's unsent draft in the box: nothing is typed after it, and the draft stays as it was.
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle again", TimeSpan.FromSeconds(40));
        await rig.Agent.TypeAsync("left in the box ");
        await Task.Delay(500);
        var refused = await SendAsync(rig, "the operator's words", "--verify-timeout", "4000");
        Assert.Equal(("not_ready", 4), Verdict(refused));
        Assert.Contains("empty input box", refused.StandardError);
        Assert.False(Json(refused).GetProperty("text_typed").GetBoolean());
        await Task.Delay(1000);
        var screen = await rig.Agent.CaptureAsync();
        Assert.Contains("❯\u00a0left in the box", screen);
        Assert.DoesNotContain("the operator's words", screen);
        Assert.DoesNotContain(rig.Agent.ModelRequests(), q => q["body"]!.ToJsonString().Contains("the operator", StringComparison.Ordinal));
    }

    /// <summary>
    /// Codex draws its input line before it takes prompts; text submitted then is held and goes out once it has
    /// started, after any verdict. The start screen is held still (the agent's processes stopped) while `send` runs,
    /// then Codex continues: the refused text must never reach the model, and the first message after the start is
    /// acknowledged (the roster says hooks: true, so the wait for Codex's first hooks is not cut short).
    /// </summary>
    [RealAgentFact("codex")]
    public async Task Codex_still_starting_gets_nothing_and_its_first_message_once_started_is_acknowledged()
    {
        await using var rig = await StartHeldOnStartScreenAsync();
        string screen;
        ProcessOutput early;
        try
        {
            screen = await rig.Agent.CaptureAsync();
            early = await SendAsync(rig, "too early");
        }
        finally { rig.Agent.ContinueTree(); }

        Assert.True(Verdict(early) == ("not_ready", 4), $"{early.StandardOutput}\n{early.StandardError}\nscreen:\n{screen}");
        Assert.Contains("still starting", early.StandardError);
        Assert.False(Json(early).GetProperty("text_typed").GetBoolean());

        await rig.Agent.WaitForScreenAsync(AgentRuntime.Codex.Ready, TimeSpan.FromSeconds(90), "Codex started");
        var first = await SendAsync(rig, "now that you have started");
        Assert.True(Verdict(first) == ("acknowledged", 0), $"{first.StandardOutput}\n{first.StandardError}");
        await rig.UntilAsync(_ => rig.Agent.ModelRequests().Any(q => q["body"]!.ToJsonString().Contains("now that you have started", StringComparison.Ordinal)),
            "the message reaching the model", TimeSpan.FromSeconds(30));
        // Text held during the start would have gone out before the first message: it never went.
        Assert.DoesNotContain(rig.Agent.ModelRequests(), q => q["body"]!.ToJsonString().Contains("too early", StringComparison.Ordinal));
        Assert.DoesNotContain("too early", await rig.Agent.CaptureAsync());
    }

    /// <summary>
    /// Starts Codex and stops its processes while its start screen (input line drawn, no "model · directory" footer
    /// yet) is up. A start that got past that screen before it could be held is tried again, at most three times.
    /// </summary>
    private async Task<HookedAgent> StartHeldOnStartScreenAsync()
    {
        static bool Starting(string s) => s.Contains("› Ask Codex to do anything", StringComparison.Ordinal) && !AgentRuntime.Codex.Ready.IsMatch(s);
        for (var attempt = 1; ; attempt++)
        {
            var rig = await HookedAgent.StartAsync(AgentRuntime.Codex, output, waitForPrompt: false);
            try
            {
                var seen = await TmuxServerWait(rig, s => Starting(s) || AgentRuntime.Codex.Ready.IsMatch(s));
                if (Starting(seen))
                {
                    rig.Agent.StopTree();
                    if (Starting(await rig.Agent.CaptureAsync())) return rig;
                    rig.Agent.ContinueTree();
                }
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
            await rig.DisposeAsync();
            output.WriteLine($"attempt {attempt}: Codex got past its start screen before it was held");
            Assert.True(attempt < 3, "Codex got past its start screen before it could be held, three times");
        }
    }

    private static async Task<string> TmuxServerWait(HookedAgent rig, Func<string, bool> condition)
    {
        var screen = "";
        var held = await FleetExporter.Tests.Infrastructure.TmuxServer.EventuallyAsync(async () => condition(screen = await rig.Agent.CaptureAsync()), TimeSpan.FromSeconds(90));
        Assert.True(held, "Codex showed neither its start screen nor its prompt; the pane shows:\n" + screen);
        return screen;
    }

    private async Task AcknowledgesAndRefusesDialogs(AgentRuntime runtime, string dialog)
    {
        await using var rig = await HookedAgent.StartAsync(runtime, output);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle");

        // The definitive verdict, for the three shapes of text whose fingerprint must match the agent's own.
        foreach (var message in new[] { "hello from the operator", "first line\nsecond line\nthird line", "héllo ✓ — naïve café" })
        {
            var r = await SendAsync(rig, message);
            Assert.True(Verdict(r) == ("acknowledged", 0), $"{message}: {r.StandardOutput}\n{r.StandardError}");
            Assert.False(string.IsNullOrEmpty(Json(r).GetProperty("prompt_id").GetString()));
            // The hook fires at submit, before the agent calls the model: the request follows a moment later.
            var quoted = JsonSerializer.Serialize(message)[1..^1];
            await rig.UntilAsync(_ => rig.Agent.ModelRequests().Any(q => q["body"]!.ToJsonString().Contains(quoted, StringComparison.Ordinal)),
                "the message reaching the model", TimeSpan.FromSeconds(20));
            await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle after the answer", TimeSpan.FromSeconds(30));
        }

        // A permission dialog is up: nothing may be typed, the tool must not run, the model must never see the text.
        await rig.Agent.SubmitAsync("TOOL:touch x");
        await rig.Agent.WaitForTextAsync(dialog, TimeSpan.FromSeconds(30));
        var requests = rig.Agent.ModelRequests().Count;
        var refused = await SendAsync(rig, "are you there");
        Assert.Equal(("not_ready", 4), Verdict(refused));
        Assert.Contains("NOT SENT", refused.StandardError);
        Assert.Contains("waiting for a human", refused.StandardError);
        Assert.False(Json(refused).GetProperty("text_typed").GetBoolean());
        await Task.Delay(3000);
        Assert.False(File.Exists(Path.Combine(rig.Agent.Paths.Work, "x")), "the tool ran: the send approved the dialog");
        Assert.Contains(dialog, await rig.Agent.CaptureAsync());
        Assert.DoesNotContain(rig.Agent.ModelRequests().Skip(requests), q => q["body"]!.ToJsonString().Contains("are you there", StringComparison.Ordinal));
        var journal = File.ReadAllLines(rig.JournalPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["acknowledged", "acknowledged", "acknowledged", "not_ready"], journal.Select(j => j.GetProperty("verdict").GetString()));
        Assert.All(journal, j => Assert.False(j.TryGetProperty("message", out _), "the journal keeps the text only when asked"));

        // The agent is gone and a shell took its pane: the message would run as a command, so nothing is typed.
        await rig.Agent.PressAsync("Escape");
        await rig.UntilAsync(a => a.State.Name != AgentStateName.Waiting, "the dialog cancelled", TimeSpan.FromSeconds(30));
        await rig.Agent.ExitAsync();
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Stopped && a.Flags.Contains(AgentFlags.Drift), "stopped, a shell in its pane");
        var gone = await SendAsync(rig, "echo should-never-run");
        Assert.Equal(("not_ready", 4), Verdict(gone));
        Assert.Contains("not running", gone.StandardError);
        await Task.Delay(500);
        Assert.DoesNotContain("should-never-run", await rig.Agent.CaptureAsync());
    }

    /// <summary>A verify timeout for a machine busy with the whole suite (hooks are .NET processes that start slowly there).</summary>
    internal static Task<ProcessOutput> SendAsync(HookedAgent rig, string message, params string[] more) =>
        rig.FleetAsync(["send", Agent, message, "--verify", "--json", .. more.Contains("--verify-timeout") ? more : [.. more, "--verify-timeout", "15000"]]);

    internal static JsonElement Json(ProcessOutput r)
    {
        Assert.False(string.IsNullOrWhiteSpace(r.StandardOutput), $"no JSON; stderr: {r.StandardError}");
        return JsonDocument.Parse(r.StandardOutput).RootElement.Clone();
    }

    internal static (string?, int) Verdict(ProcessOutput r) => (Json(r).GetProperty("verdict").GetString(), r.ExitCode);
}
