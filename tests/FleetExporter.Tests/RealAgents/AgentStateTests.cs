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
public sealed class AgentStateTests(ITestOutputHelper output)
{
    private const string AgentName = "a1";

    /// <summary>The heartbeat interval: short, so that three of them pass while the test watches an idle agent.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [RealAgentFact("claude")]
    public async Task Claude_Code_moves_through_working_idle_waiting_and_stopped_and_a_hung_turn_is_stale_while_idle_is_not()
    {
        await using var rig = await Rig.StartAsync(AgentRuntime.Claude, output);

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

    [RealAgentFact("codex")]
    public async Task Codex_moves_through_working_idle_waiting_and_stopped()
    {
        await using var rig = await Rig.StartAsync(AgentRuntime.Codex, output);

        // Codex fires SessionStart only with the first prompt: until then its screen tells.
        var fresh = await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle before any prompt (from the screen)");
        Assert.Equal((StateSource?)StateSource.Pane, fresh.State.Source);

        await ATurnIsWorkingThenIdleWithTheScreenAgreeing(rig);
        await AnIdleAgentIsNotStaleForItsSilence(rig);
        await APermissionPromptIsWaitingWithinTwoSecondsAndNothingIsApproved(rig, approve: "Enter");
        // Codex 0.169's /quit fires no SessionEnd: the empty pane alone says it stopped.
        await TheAgentExitingIsStoppedWithDrift(rig, expectHookStop: false);
    }

    private static async Task ATurnIsWorkingThenIdleWithTheScreenAgreeing(Rig rig)
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

    private static async Task AnIdleAgentIsNotStaleForItsSilence(Rig rig)
    {
        var quiet = await rig.UntilAsync(a => a.Heartbeat.Age > a.Heartbeat.Threshold, "an idle agent's heartbeat older than three intervals");
        Assert.Equal(AgentStateName.Idle, quiet.State.Name);
        Assert.DoesNotContain(AgentFlags.HeartbeatStale, quiet.Flags);
    }

    private static async Task APermissionPromptIsWaitingWithinTwoSecondsAndNothingIsApproved(Rig rig, string approve)
    {
        var file = Path.Combine(rig.Agent.Paths.Work, "x");
        await rig.Agent.SubmitAsync("TOOL:touch x");
        var dialog = rig.Agent.Runtime == AgentRuntime.Claude ? "Do you want to proceed?" : "Would you like to run the following command?";
        // Both watched at once: when the dialog first shows, and when the join first says waiting.
        var shown = Task.Run(async () => { await rig.Agent.WaitForTextAsync(dialog, TimeSpan.FromSeconds(30)); return DateTime.UtcNow; });
        var waiting = await rig.UntilAsync(a => a.State.Name == AgentStateName.Waiting, "waiting on the permission prompt", TimeSpan.FromSeconds(30));
        var waitingAt = DateTime.UtcNow;
        var shownAt = await shown;
        rig.Output.WriteLine($"{rig.Agent.Runtime}: dialog on screen at {shownAt:HH:mm:ss.fff}, waiting at {waitingAt:HH:mm:ss.fff}");
        Assert.True(waitingAt - shownAt <= TimeSpan.FromSeconds(2), $"waiting {(waitingAt - shownAt).TotalSeconds:0.00} s after the dialog appeared");
        Assert.Equal((StateSource?)StateSource.Hook, waiting.State.Source);
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

    private static async Task TheAgentExitingIsStoppedWithDrift(Rig rig, bool expectHookStop)
    {
        await rig.Agent.ExitAsync();
        var gone = await rig.UntilAsync(a => a.State.Name == AgentStateName.Stopped, "stopped after exit");
        Assert.Contains(AgentFlags.Drift, gone.Flags);
        Assert.DoesNotContain(AgentFlags.HeartbeatStale, gone.Flags);
        if (expectHookStop) Assert.Equal("SessionEnd", gone.Heartbeat.Hook?.Event);
    }

    /// <summary>One real agent with fleet-exporter's hooks installed, and a roster that watches it.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly TempDirectory _temp;
        private readonly TmuxServer _tmux;
        private readonly FleetJoin _join = FleetJoin.CreateDefault();

        private Rig(TempDirectory temp, TmuxServer tmux, FleetRoster roster, RealAgent agent, ITestOutputHelper output)
        {
            _temp = temp;
            _tmux = tmux;
            Roster = roster;
            Agent = agent;
            Output = output;
        }

        public FleetRoster Roster { get; }
        public RealAgent Agent { get; }
        public ITestOutputHelper Output { get; }

        public static async Task<Rig> StartAsync(AgentRuntime runtime, ITestOutputHelper output)
        {
            var temp = new TempDirectory();
            var tmux = new TmuxServer();
            var rosterPath = temp.Write("roster.yaml", $"""
                heartbeat: {"{"} dir: {temp.File("hb")}, interval: {(int)Interval.TotalSeconds}s {"}"}
                tmux: {"{"} socket_name: {tmux.SocketName} {"}"}
                agents:
                  - {"{"} name: {AgentName}, runtime: {runtime.Name}, session: agent {"}"}
                """);
            var options = new RealAgentOptions
            {
                // The hooks as a user installs them; the hook command is this build's own binary.
                Prepare = async paths =>
                {
                    var r = await FleetBinary.RunAsync(["hooks", "install", runtime.Name, "--agent", AgentName, "--settings", paths.HooksSettings(runtime),
                        "--roster", rosterPath, "--command", Path.Combine(AppContext.BaseDirectory, "fleet-exporter")]);
                    Assert.True(r.ExitCode == 0, $"hooks install exited {r.ExitCode}: {r.StandardError}");
                },
            };
            try
            {
                var agent = await RealAgent.StartAsync(runtime, tmux, temp, options);
                return new Rig(temp, tmux, RosterLoader.LoadFile(rosterPath), agent, output);
            }
            catch
            {
                await tmux.DisposeAsync();
                temp.Dispose();
                throw;
            }
        }

        /// <summary>Collects until the agent's status satisfies <paramref name="condition"/>; fails showing the last one and the screen.</summary>
        public async Task<AgentStatus> UntilAsync(Func<AgentStatus, bool> condition, string what, TimeSpan? within = null)
        {
            var watch = Stopwatch.StartNew();
            AgentStatus? last = null;
            while (watch.Elapsed < (within ?? TimeSpan.FromSeconds(20)))
            {
                last = (await _join.CollectAsync(Roster)).Agents.Single();
                if (condition(last))
                {
                    Output.WriteLine($"{what}: after {watch.Elapsed.TotalSeconds:0.0} s, state {last.State.NameLabel} from {last.State.Source} ({last.State.Reason}), screen {last.Screen?.State}");
                    return last;
                }
                await Task.Delay(100);
            }
            Assert.Fail($"{Agent.Runtime}: never {what}; last: state {last?.State}, screen {last?.Screen}, hook {last?.Heartbeat.Hook}, " +
                        $"flags {string.Join(",", last?.Flags ?? [])}, processes {string.Join(" ", last?.Processes?.TreeCommands ?? [])}\n" +
                        $"hook log: {ReadHookLog()}\nscreen:\n{await Agent.CaptureAsync()}");
            return last!;
        }

        private string ReadHookLog()
        {
            var log = Path.Combine(Agent.Paths.Home, ".local", "state", "fleet", "hook.log");
            return File.Exists(log) ? File.ReadAllText(log) : "(none)";
        }

        public async ValueTask DisposeAsync()
        {
            await Agent.DisposeAsync();
            await _tmux.DisposeAsync();
            _temp.Dispose();
        }
    }
}
