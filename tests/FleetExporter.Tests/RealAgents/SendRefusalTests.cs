using System.Text.RegularExpressions;
using FleetExporter.Agents.State;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;
using static FleetExporter.Tests.RealAgents.SendToRealAgentTests;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// `send` types only into the runtime's empty input box, offline against the real agents: a prompt Esc put back,
/// a menu, text the runtime would run as a shell line and two senders at once never turn into a merged or an
/// unintended prompt; the model never sees the refused text and the screen keeps what was there.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class SendRefusalTests(ITestOutputHelper output)
{
    private const string Agent = HookedAgent.AgentName;

    [RealAgentFact("claude")]
    public async Task Claude_Code_gets_nothing_over_a_prompt_Esc_put_back_a_Rewind_menu_or_a_shell_line_and_two_sends_at_once_stay_apart()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);
        await rig.Agent.SubmitAsync("hello");
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle && a.Heartbeat.Hook?.Event == "Stop", "idle after its first answer", TimeSpan.FromSeconds(40));

        // Esc during a turn puts the prompt back into the box: a send would resubmit it with the new text.
        const string interrupted = "HANG on this one";
        await rig.Agent.SubmitAsync(interrupted);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Working, "working on the hanging prompt");
        await rig.Agent.PressAsync("Escape");
        await rig.Agent.WaitForScreenAsync(new Regex("(?m)^❯\u00a0" + interrupted), TimeSpan.FromSeconds(15), "the interrupted prompt back in the box");
        await AssertRefusedAsync(rig, "operator after the escape", "empty input box", "❯\u00a0" + interrupted);
        await rig.Agent.PressAsync([.. Enumerable.Repeat("BSpace", interrupted.Length)]);
        await UntilEmptyBoxAsync(rig);

        // Esc Esc on the empty box opens the Rewind menu: no hook reports it, the screen says waiting.
        await rig.Agent.PressAsync("Escape");
        await Task.Delay(300);
        await rig.Agent.PressAsync("Escape");
        await rig.Agent.WaitForTextAsync("Rewind", TimeSpan.FromSeconds(15));
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Waiting, "waiting on the Rewind menu");
        await AssertRefusedAsync(rig, "operator into the menu", "waiting for a human", "Rewind");
        await rig.Agent.PressAsync("Escape");
        await UntilEmptyBoxAsync(rig);

        // A leading "!" is Claude Code's bash mode: refused before anything is typed, the command never runs.
        var bang = await rig.FleetAsync(["send", Agent, "!touch bang-ran", "--verify"]);
        Assert.True(bang.ExitCode == 2, $"exit {bang.ExitCode}: {bang.StandardError}");
        Assert.Contains("--as-command", bang.StandardError);
        await Task.Delay(2000);
        Assert.False(File.Exists(Path.Combine(rig.Agent.Paths.Work, "bang-ran")), "the shell line ran");
        Assert.DoesNotContain("touch bang-ran", await rig.Agent.CaptureAsync());

        // Two senders at once: one at a time per agent, each either acknowledged as itself or refused, never merged.
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle before the two sends");
        var both = await Task.WhenAll(SendAsync(rig, "first of two at once"), SendAsync(rig, "second of two at once"));
        foreach (var r in both)
            Assert.True(Verdict(r) is ("acknowledged", 0) or ("not_ready", 4), $"{r.StandardOutput}\n{r.StandardError}");
        Assert.Contains(both, r => Verdict(r) == ("acknowledged", 0));
        await Task.Delay(3000);
        Assert.DoesNotContain(rig.Agent.ModelRequests(), q => Regex.IsMatch(q["body"]!.ToJsonString(), "at once(?:first|second) of two"));
    }

    /// <summary>Codex's first start with hooks it has not seen: a review menu whose "›" lines look like its input line.</summary>
    [RealAgentFact("codex")]
    public async Task Codex_showing_its_hooks_review_menu_gets_nothing_and_reads_as_waiting()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Codex, output, waitForPrompt: false, trustCodexHooks: false);
        await rig.Agent.WaitForTextAsync("Hooks need review", TimeSpan.FromSeconds(90));
        await Task.Delay(1000);

        await rig.UntilAsync(a => a.State.Name == AgentStateName.Waiting, "waiting on the hooks review menu");
        await AssertRefusedAsync(rig, "operator into the review", "waiting for a human", "Hooks need review");
    }

    private static async Task AssertRefusedAsync(HookedAgent rig, string message, string why, string stillOnScreen)
    {
        var r = await SendAsync(rig, message, "--verify-timeout", "4000");
        Assert.True(Verdict(r) == ("not_ready", 4), $"{r.StandardOutput}\n{r.StandardError}");
        Assert.Contains(why, r.StandardError);
        Assert.False(Json(r).GetProperty("text_typed").GetBoolean());
        await Task.Delay(1500);
        var screen = await rig.Agent.CaptureAsync();
        Assert.Contains(stillOnScreen, screen);
        Assert.DoesNotContain(message, screen);
        Assert.DoesNotContain(rig.Agent.ModelRequests(), q => q["body"]!.ToJsonString().Contains(message, StringComparison.Ordinal));
    }

    private static async Task UntilEmptyBoxAsync(HookedAgent rig)
    {
        var claude = BuiltInRuntimes.All["claude"].States;
        var screen = "";
        var empty = await Infrastructure.TmuxServer.EventuallyAsync(async () => claude.ShowsEmptyInput(screen = await rig.Agent.CaptureAsync()) == true, TimeSpan.FromSeconds(15));
        Assert.True(empty, "the box never came back empty; the pane shows:\n" + screen);
    }
}
