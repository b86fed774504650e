using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// The agent's state from the real agents, offline: hooks put in place by `fleet-exporter hooks install`, the
/// state read by the real join (as `serve` and `ps` read it), and the built-in screen patterns checked against the
/// hooks on the very same screens.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[RunsLong]
public sealed class AgentStateTests(ITestOutputHelper output)
{
    [RealAgentFact("claude")]
    public async Task Claude_Code_moves_through_working_idle_waiting_and_stopped_and_a_hung_turn_is_stale_while_idle_is_not()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);

        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after SessionStart");

        await ATurnIsWorkingThenIdleWithTheScreenAgreeing(rig);
        await AnIdleAgentIsNotStaleForItsSilence(rig);
        await APermissionPromptIsWaitingWithinTwoSecondsAndNothingIsApproved(rig, approve: "Enter");

        // A turn that never ends (the stub never answers): working, and stale once it has been silent for long.
        await rig.Agent.SubmitAsync("HANG");
        var hung = await rig.UntilAsync(
            a => a.State.Name == AgentStateName.Working && a.Flags.Contains(AgentFlags.HeartbeatStale)
                 && a.Heartbeat.Age > AgentStateResolver.HookGrace,
            "a hung turn: working and HB-STALE", TimeSpan.FromSeconds(40));
        Assert.Equal(AgentStateName.Working, hung.Screen?.State);

        // Esc interrupts the turn and fires no hook: the screen, idle again, overrules the hooks' old "working".
        await rig.Agent.PressAsync("Escape");
        var interrupted = await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle after Esc (from the screen)");
        Assert.Equal((StateSource?)StateSource.Pane, interrupted.State.Source);
        Assert.Equal(AgentStateName.Working, interrupted.Heartbeat.Hook?.State);
        Assert.DoesNotContain(AgentFlags.HeartbeatStale, interrupted.Flags);

        // The interrupted prompt went back into the input box: clear it before typing the exit command.
        await rig.Agent.PressAsync([.. Enumerable.Repeat("BSpace", "HANG".Length)]);
        await TheAgentExitingIsStoppedWithDrift(rig, expectHookStop: true);
    }

    [RealAgentFact("claude")]
    public async Task Claude_Code_whose_turn_ends_on_an_API_error_is_idle_from_its_hooks_not_working()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);
        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after SessionStart");

        // The stub refuses the request (HTTP 400, never retried): no Stop fires, StopFailure does.
        await rig.Agent.SubmitAsync("FAIL");
        var failed = await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "StopFailure", "the StopFailure hook", TimeSpan.FromSeconds(40));
        Assert.Equal(AgentStateName.Idle, failed.Heartbeat.Hook?.State);
        Assert.Equal((StateSource?)StateSource.Hook, failed.State.Source);
        Assert.Equal(AgentStateName.Idle, failed.State.Name);
    }

    [RealAgentFact("codex")]
    public async Task Codex_moves_through_working_idle_waiting_and_stopped()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Codex, output);

        // Codex fires SessionStart only with the first prompt: until then its screen tells.
        var fresh = await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle before any prompt (from the screen)");
        Assert.Equal((StateSource?)StateSource.Pane, fresh.State.Source);

        await ATurnIsWorkingThenIdleWithTheScreenAgreeing(rig);
        await AnIdleAgentIsNotStaleForItsSilence(rig);
        await APermissionPromptIsWaitingWithinTwoSecondsAndNothingIsApproved(rig, approve: "Enter");
        // Codex 0.169's /quit fires no SessionEnd: the empty pane alone says it stopped.
        await TheAgentExitingIsStoppedWithDrift(rig, expectHookStop: false);
    }

    [RealAgentFact("gemini")]
    public async Task Gemini_CLI_moves_through_working_idle_waiting_and_stopped()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Gemini, output);

        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after SessionStart");
        await ATurnIsWorkingThenIdleWithTheScreenAgreeing(rig);
        await AnIdleAgentIsNotStaleForItsSilence(rig);
        await APermissionPromptIsWaitingWithinTwoSecondsAndNothingIsApproved(rig, approve: "Enter");
        await TheAgentExitingIsStoppedWithDrift(rig, expectHookStop: true);
    }

    [RealAgentFact("pi")]
    public async Task Pi_reports_through_its_extension_working_idle_and_stopped()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Pi, output);

        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after session_start");
        await ATurnIsWorkingThenIdleWithTheScreenAgreeing(rig);
        await AnIdleAgentIsNotStaleForItsSilence(rig);
        await TheAgentExitingIsStoppedWithDrift(rig, expectHookStop: false);
    }

    private static async Task ATurnIsWorkingThenIdleWithTheScreenAgreeing(HookedAgent rig)
    {
        const string prompt = "SLOW: héllo ✓, tell me a story";
        await rig.Agent.SubmitAsync(prompt);
        var working = await rig.UntilAsync(a => a.State is { Name: AgentStateName.Working, Source: StateSource.Hook } && a.Screen is not null,
            "working (hook) during the slow answer");
        Assert.Equal(AgentStateName.Working, working.Screen!.State);
        // The prompt's fingerprint is over exactly the text typed, as the agent itself received it.
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prompt)));
        Assert.Equal(expected, working.Heartbeat.Hook?.Prompt?.Sha256);

        var idle = await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook } && a.Screen?.State == AgentStateName.Idle,
            "idle (hook and screen) after the answer", TimeSpan.FromSeconds(40));
        Assert.Equal(expected, idle.Heartbeat.Hook?.Prompt?.Sha256);
    }

    private static async Task AnIdleAgentIsNotStaleForItsSilence(HookedAgent rig)
    {
        var quiet = await rig.UntilAsync(a => a.Heartbeat.Age > a.Heartbeat.Threshold, "an idle agent's heartbeat older than three intervals");
        Assert.Equal(AgentStateName.Idle, quiet.State.Name);
        Assert.DoesNotContain(AgentFlags.HeartbeatStale, quiet.Flags);
    }

    private static async Task APermissionPromptIsWaitingWithinTwoSecondsAndNothingIsApproved(HookedAgent rig, string approve)
    {
        var file = Path.Combine(rig.Agent.Paths.Work, "x");
        await rig.Agent.SubmitAsync("TOOL:touch x");
        var dialog = rig.Agent.Runtime.Name switch
        {
            "claude" => "Do you want to proceed?",
            "gemini" => "Allow execution of",
            _ => "Would you like to run the following command?",
        };
        // Both watched at once: when the dialog first shows, and when the join first says waiting.
        var shown = Task.Run(async () => { await rig.Agent.WaitForTextAsync(dialog, TimeSpan.FromSeconds(30)); return DateTime.UtcNow; });
        var waiting = await rig.UntilAsync(a => a.State.Name == AgentStateName.Waiting, "waiting on the permission prompt", TimeSpan.FromSeconds(30));
        var waitingAt = DateTime.UtcNow;
        var shownAt = await shown;
        rig.Output.WriteLine($"{rig.Agent.Runtime}: dialog on screen at {shownAt:HH:mm:ss.fff}, waiting at {waitingAt:HH:mm:ss.fff}");
        Assert.True(waitingAt - shownAt <= TimeSpan.FromSeconds(2), $"waiting {(waitingAt - shownAt).TotalSeconds:0.00} s after the dialog appeared");
        // The screen may say it first (the hook runs a moment after the dialog is drawn); the hook must say it too.
        await rig.UntilAsync(a => a.Heartbeat.Hook?.State == AgentStateName.Waiting, "the hook reporting the permission request");
        Assert.False(File.Exists(file), "the tool ran before anyone approved it");
        // The screen says the same, once the dialog is drawn.
        var seen = await rig.UntilAsync(a => a.Screen is not null, "the dialog's screen read");
        Assert.Equal(AgentStateName.Waiting, seen.Screen!.State);

        // A dialog ignores keys for a moment after it is drawn (no approval by a stray key): press once it settled,
        // and again only while it is still up.
        for (var attempt = 0; attempt < 4 && (await rig.Agent.CaptureAsync()).Contains(dialog, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(1000);
            await rig.Agent.PressAsync(approve);
            await TmuxServer.EventuallyAsync(async () => !(await rig.Agent.CaptureAsync()).Contains(dialog, StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        }
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle && File.Exists(file), "idle after the approved tool ran", TimeSpan.FromSeconds(30));
    }

    private static async Task TheAgentExitingIsStoppedWithDrift(HookedAgent rig, bool expectHookStop)
    {
        await rig.Agent.ExitAsync();
        var gone = await rig.UntilAsync(a => a.State.Name == AgentStateName.Stopped, "stopped after exit");
        Assert.Contains(AgentFlags.Drift, gone.Flags);
        Assert.DoesNotContain(AgentFlags.HeartbeatStale, gone.Flags);
        if (expectHookStop) Assert.Equal("SessionEnd", gone.Heartbeat.Hook?.Event);
    }
}
