using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;

namespace FleetExporter.Fleet;

/// <summary>
/// What one collection knows about an agent's state. <see cref="RuntimeRunning"/> is null when the sources that
/// tell (tmux, processes) failed; <see cref="Gone"/> says why the runtime is not running when it is not.
/// </summary>
public sealed record StateEvidence(
    HookReport? Hook,
    DateTimeOffset? HookWrittenAt,
    bool? RuntimeRunning,
    DateTimeOffset? RuntimeStart,
    string? Gone,
    PaneVerdict? Screen,
    DateTimeOffset? ScreenQuietSince);

/// <summary>
/// Joins the agent's own report (hooks) with what its pane shows into one state. The rules, in order:
/// <list type="number">
/// <item>No runtime in the pane (no session, dead pane, or a shell left behind): <c>stopped</c>.</item>
/// <item>A screen that shows a dialog is <c>waiting</c>, whatever the hooks said: the hook that reports it runs a
/// moment after the dialog is drawn (longer on a busy machine), and typing into a dialog answers it.</item>
/// <item>A hook report from the running runtime's life (written after it started) is the state, unless it is
/// older than <see cref="HookGrace"/> (a waiting one: <see cref="DialogGrace"/>) and the screen clearly shows another state: then the screen wins. That
/// covers what no hook reports (Esc on a running turn fires no Stop; a dialog cancelled with Esc).</item>
/// <item>Without such a report, the screen's state; else <c>unknown</c>.</item>
/// </list>
/// Since: the hook's own entry time; for a screen state the previous collection's entry time while the state
/// holds, else now when it changed, else (first sight) the time the screen went quiet for a state that draws
/// nothing new (idle, waiting, stopped), else unknown.
/// </summary>
public static class AgentStateResolver
{
    /// <summary>A hook event this recent beats any screen: screens lag and lead the hooks by a second or two.</summary>
    public static readonly TimeSpan HookGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A waiting report gives way sooner: a dialog declined with Esc fires no hook, and the screen, which already
    /// drew the dialog when its hook ran, shows at once that it is gone.
    /// </summary>
    public static readonly TimeSpan DialogGrace = TimeSpan.FromSeconds(1.5);

    /// <summary>A runtime's process start time (/proc, clock ticks) and the hook's clock may disagree slightly.</summary>
    private static readonly TimeSpan StartSlack = TimeSpan.FromSeconds(2);

    public static AgentState Resolve(StateEvidence e, AgentState? previous, DateTimeOffset now)
    {
        var current = e.Hook is { } h && h.State != AgentStateName.Unknown
                      && (e.RuntimeStart is null || e.HookWrittenAt is null || e.HookWrittenAt >= e.RuntimeStart - StartSlack)
            ? h
            : null;

        if (e.RuntimeRunning == false)
        {
            return current is { State: AgentStateName.Stopped }
                ? new AgentState(AgentStateName.Stopped, current.Since, StateSource.Hook, $"hook {current.Event}; {e.Gone}")
                : FromScreen(AgentStateName.Stopped, e.Gone ?? "the runtime is not running", e, previous, now);
        }

        if (e.Screen is { State: AgentStateName.Waiting } dialog && current?.State != AgentStateName.Waiting)
            return FromScreen(AgentStateName.Waiting, $"screen matches {dialog.Pattern}", e, previous, now);

        // A session that ended while its runtime still runs is one being replaced (/clear): the screen tells more.
        if (current is not null && !(current.State == AgentStateName.Stopped && e.RuntimeRunning == true))
        {
            var recent = e.HookWrittenAt is { } at && now - at <= (current.State == AgentStateName.Waiting ? DialogGrace : HookGrace);
            // Background subagents run while the main box is idle: the screen cannot see them, the hooks can.
            var background = current.State == AgentStateName.Working && current.Subagents.Count > 0;
            if (recent || background || e.Screen is null || e.Screen.State == current.State)
                return new AgentState(current.State, current.Since, StateSource.Hook, $"hook {current.Event}");
        }

        return e.Screen is { } screen
            ? FromScreen(screen.State, $"screen matches {screen.Pattern}", e, previous, now)
            : AgentState.Unknown;
    }

    private static AgentState FromScreen(AgentStateName state, string reason, StateEvidence e, AgentState? previous, DateTimeOffset now)
    {
        DateTimeOffset? since = previous is null
            ? state is AgentStateName.Idle or AgentStateName.Waiting or AgentStateName.Stopped ? e.ScreenQuietSince : null
            : previous.Name == state ? previous.Since : now;
        return new AgentState(state, since, StateSource.Pane, reason);
    }
}
