using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;

namespace FleetExporter.Tests.Agents;

/// <summary>The rules in AgentStateResolver's doc comment, one by one.</summary>
public sealed class AgentStateResolverTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_470_000);
    private static readonly DateTimeOffset Started = Now.AddMinutes(-30);

    private static readonly PaneVerdict IdleScreen = new(AgentStateName.Idle, "idle-pattern");
    private static readonly PaneVerdict WorkingScreen = new(AgentStateName.Working, "working-pattern");
    private static readonly PaneVerdict WaitingScreen = new(AgentStateName.Waiting, "waiting-pattern");

    private static HookReport Hook(AgentStateName state, DateTimeOffset since, string evt = "E") =>
        new(state, since, "claude", evt, null, "s", null);

    private static StateEvidence Evidence(
        HookReport? hook = null, DateTimeOffset? written = null, bool? running = true, DateTimeOffset? start = null,
        string? gone = null, PaneVerdict? screen = null, DateTimeOffset? quietSince = null) =>
        new(hook, written, running, start ?? Started, gone, screen, quietSince);

    private static AgentState Resolve(StateEvidence e, AgentState? previous = null) => AgentStateResolver.Resolve(e, previous, Now);

    [Fact]
    public void A_runtime_that_is_gone_is_stopped_from_the_pane()
    {
        var s = Resolve(Evidence(Hook(AgentStateName.Working, Now.AddSeconds(-2)), Now.AddSeconds(-2), running: false, gone: "the pane is dead", screen: WorkingScreen));

        Assert.Equal(AgentStateName.Stopped, s.Name);
        Assert.Equal(StateSource.Pane, s.Source);
        Assert.Contains("the pane is dead", s.Reason);
    }

    [Fact]
    public void A_runtime_gone_after_its_hook_said_SessionEnd_is_stopped_from_the_hook_since_the_hooks_time()
    {
        var ended = Now.AddMinutes(-4);

        var s = Resolve(Evidence(Hook(AgentStateName.Stopped, ended, "SessionEnd"), ended, running: false, gone: "no tmux session"));

        Assert.Equal(new AgentState(AgentStateName.Stopped, ended, StateSource.Hook, s.Reason), s);
        Assert.Contains("SessionEnd", s.Reason);
    }

    [Fact]
    public void A_gone_runtime_seen_for_the_first_time_is_stopped_since_the_pane_went_quiet()
    {
        var quiet = Now.AddMinutes(-9);

        var s = Resolve(Evidence(running: false, gone: "no tmux session", quietSince: quiet));

        Assert.Equal((AgentStateName.Stopped, quiet, StateSource.Pane), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void A_hook_report_written_before_the_runtime_started_is_ignored()
    {
        var oldRun = Now.AddHours(-2);

        var withScreen = Resolve(Evidence(Hook(AgentStateName.Working, oldRun), oldRun, start: Now.AddMinutes(-1), screen: IdleScreen));
        var withoutScreen = Resolve(Evidence(Hook(AgentStateName.Working, oldRun), oldRun, start: Now.AddMinutes(-1)));

        Assert.Equal((AgentStateName.Idle, StateSource.Pane), (withScreen.Name, withScreen.Source));
        Assert.Equal(AgentState.Unknown, withoutScreen);
    }

    [Fact]
    public void A_hook_written_a_moment_before_the_runtimes_recorded_start_still_counts()
    {
        var written = Started.AddSeconds(-1);

        var s = Resolve(Evidence(Hook(AgentStateName.Idle, written), written, start: Started));

        Assert.Equal((AgentStateName.Idle, StateSource.Hook), (s.Name, s.Source));
    }

    [Fact]
    public void A_recent_hook_beats_a_disagreeing_screen()
    {
        var since = Now.AddSeconds(-10);

        var s = Resolve(Evidence(Hook(AgentStateName.Working, since, "UserPromptSubmit"), Now.AddSeconds(-10), screen: IdleScreen));

        Assert.Equal((AgentStateName.Working, since, StateSource.Hook), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void A_dialog_on_screen_is_waiting_even_while_a_recent_hook_still_says_working()
    {
        // The PermissionRequest hook runs a moment after the dialog is drawn: until it has, the screen is the truth.
        var hook = Hook(AgentStateName.Working, Now.AddSeconds(-1), "PreToolUse");

        var s = Resolve(Evidence(hook, Now.AddSeconds(-1), screen: WaitingScreen));

        Assert.Equal((AgentStateName.Waiting, StateSource.Pane), (s.Name, s.Source));
    }

    /// <summary>A permission dialog declined with Esc fires no hook: the idle screen wins within 2 s, not 10.</summary>
    [Theory]
    [InlineData(1.0, AgentStateName.Waiting)]
    [InlineData(2.0, AgentStateName.Idle)]
    public void A_waiting_hook_gives_way_to_a_screen_without_the_dialog_within_two_seconds(double age, AgentStateName expected)
    {
        var hook = Hook(AgentStateName.Waiting, Now.AddSeconds(-age), "PermissionRequest");

        var s = Resolve(Evidence(hook, Now.AddSeconds(-age), screen: IdleScreen));

        Assert.Equal(expected, s.Name);
    }

    /// <summary>A background subagent works while the main box is idle: an old working report with subagents is kept, so a hung one goes stale.</summary>
    [Fact]
    public void An_old_working_report_with_running_subagents_keeps_over_an_idle_screen()
    {
        var hook = Hook(AgentStateName.Working, Now.AddMinutes(-5), "Stop") with { Subagents = ["sa-1"] };

        var s = Resolve(Evidence(hook, Now.AddMinutes(-5), screen: IdleScreen));

        Assert.Equal((AgentStateName.Working, StateSource.Hook), (s.Name, s.Source));
    }

    [Fact]
    public void An_old_hook_loses_to_a_disagreeing_screen()
    {
        // Esc on a running turn fires no Stop: the hook still says working, the screen shows the idle box.
        var hook = Hook(AgentStateName.Working, Now.AddMinutes(-5), "PreToolUse");

        var s = Resolve(Evidence(hook, Now.AddSeconds(-11), screen: IdleScreen));

        Assert.Equal((AgentStateName.Idle, StateSource.Pane), (s.Name, s.Source));
        Assert.Contains("idle-pattern", s.Reason);
    }

    [Fact]
    public void An_old_hook_keeps_when_the_screen_agrees()
    {
        var since = Now.AddMinutes(-5);

        var s = Resolve(Evidence(Hook(AgentStateName.Waiting, since, "PermissionRequest"), since, screen: WaitingScreen));

        Assert.Equal((AgentStateName.Waiting, since, StateSource.Hook), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void An_old_hook_keeps_when_the_screen_recognizes_nothing()
    {
        var since = Now.AddMinutes(-5);

        var s = Resolve(Evidence(Hook(AgentStateName.Idle, since, "Stop"), since, screen: null));

        Assert.Equal((AgentStateName.Idle, since, StateSource.Hook), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void A_stale_working_hook_over_a_working_screen_stays_working_the_hung_case()
    {
        var since = Now.AddHours(-1);

        var s = Resolve(Evidence(Hook(AgentStateName.Working, since, "PreToolUse"), since, start: Now.AddHours(-2), screen: WorkingScreen));

        Assert.Equal((AgentStateName.Working, since, StateSource.Hook), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void A_hook_that_said_SessionEnd_while_the_runtime_still_runs_gives_way_to_the_screen()
    {
        // /clear ends one session and starts another in the same runtime.
        var s = Resolve(Evidence(Hook(AgentStateName.Stopped, Now.AddSeconds(-1), "SessionEnd"), Now.AddSeconds(-1), screen: IdleScreen));

        Assert.Equal((AgentStateName.Idle, StateSource.Pane), (s.Name, s.Source));
    }

    [Fact]
    public void No_hook_and_no_screen_is_unknown()
    {
        Assert.Equal(AgentState.Unknown, Resolve(Evidence()));
        Assert.Equal(AgentState.Unknown, Resolve(Evidence(running: null)));
    }

    [Fact]
    public void A_hook_report_of_unknown_state_is_no_report()
    {
        var s = Resolve(Evidence(Hook(AgentStateName.Unknown, Now), Now, screen: WaitingScreen));

        Assert.Equal((AgentStateName.Waiting, StateSource.Pane), (s.Name, s.Source));
    }

    [Fact]
    public void When_the_process_sources_failed_the_hook_still_counts()
    {
        var since = Now.AddMinutes(-2);

        var s = Resolve(Evidence(Hook(AgentStateName.Idle, since), since, running: null, start: null));

        Assert.Equal((AgentStateName.Idle, StateSource.Hook), (s.Name, s.Source));
    }

    [Theory]
    [InlineData(AgentStateName.Idle)]
    [InlineData(AgentStateName.Waiting)]
    public void A_quiet_screen_state_seen_first_is_dated_from_when_the_pane_went_quiet(AgentStateName state)
    {
        var quiet = Now.AddMinutes(-7);

        var s = Resolve(Evidence(screen: new PaneVerdict(state, "p"), quietSince: quiet));

        Assert.Equal((state, quiet, StateSource.Pane), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void Working_seen_first_on_a_screen_has_no_known_since()
    {
        var s = Resolve(Evidence(screen: WorkingScreen, quietSince: Now.AddMinutes(-7)));

        Assert.Equal(AgentStateName.Working, s.Name);
        Assert.Null(s.Since);
    }

    [Fact]
    public void A_screen_state_keeps_its_since_from_one_collection_to_the_next_and_restarts_it_on_change()
    {
        var memory = new StateMemory();
        var t1 = Now;
        var t2 = Now.AddSeconds(15);
        var t3 = Now.AddSeconds(30);
        var t4 = Now.AddSeconds(45);
        var quiet = Now.AddMinutes(-3);

        AgentState Collect(PaneVerdict screen, DateTimeOffset at, DateTimeOffset? quietSince)
        {
            var s = AgentStateResolver.Resolve(Evidence(screen: screen, quietSince: quietSince), memory.Previous("a1"), at);
            memory.Remember("a1", s);
            return s;
        }

        var first = Collect(IdleScreen, t1, quiet);
        var second = Collect(IdleScreen, t2, t2);
        var changed = Collect(WorkingScreen, t3, null);
        var held = Collect(WorkingScreen, t4, null);

        Assert.Equal(quiet, first.Since);
        Assert.Equal(quiet, second.Since);
        Assert.Equal(t3, changed.Since);
        Assert.Equal(t3, held.Since);
    }

    [Fact]
    public void A_screen_state_after_a_hook_state_of_another_name_starts_now()
    {
        var previous = new AgentState(AgentStateName.Working, Now.AddMinutes(-10), StateSource.Hook, "hook PreToolUse");

        var s = AgentStateResolver.Resolve(
            Evidence(Hook(AgentStateName.Working, Now.AddMinutes(-10)), Now.AddMinutes(-1), screen: IdleScreen, quietSince: Now.AddMinutes(-2)),
            previous, Now);

        Assert.Equal((AgentStateName.Idle, Now, StateSource.Pane), (s.Name, s.Since, s.Source));
    }

    [Fact]
    public void The_memory_forgets_agents_that_left_the_roster()
    {
        var memory = new StateMemory();
        memory.Remember("a1", AgentState.Unknown);
        memory.Remember("a2", new AgentState(AgentStateName.Idle, Now, StateSource.Pane, "p"));

        memory.Keep(["a2"]);

        Assert.Null(memory.Previous("a1"));
        Assert.Equal(AgentStateName.Idle, memory.Previous("a2")!.Name);
    }
}
