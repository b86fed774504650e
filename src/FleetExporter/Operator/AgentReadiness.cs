using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>
/// Whether an agent can take a prompt now, decided as the exporter decides its state (hooks, else the screen, and
/// the pane's process tree; <see cref="AgentStateResolver"/>), plus the pane's mode. <see cref="Hook"/> is the
/// hook report the heartbeat held (any session: its presence says the agent's hooks are installed).
/// <see cref="EmptyInput"/>: whether the screen shows the runtime's empty input box with nothing over it (null: the
/// runtime declares no such pattern); <see cref="ScreenTail"/>: the bottom lines it was judged on, for the refusal.
/// </summary>
public sealed record AgentReadiness(AgentState State, PaneVerdict? Screen, HookReport? Hook, string? Mode, bool? EmptyInput = null, string ScreenTail = "")
{
    /// <summary>How many of the screen's bottom non-blank lines a refusal quotes.</summary>
    private const int QuotedLines = 4;

    /// <summary>
    /// Why nothing may be typed, or null when a prompt may go: idle, or working (the agent queues it). A screen that
    /// shows the runtime still starting refuses whatever the hooks say (they report nothing of a start).
    /// </summary>
    public string? Refusal(bool allowUnknown) => Mode is { } mode
        ? $"the pane is in {(mode == "copy-mode" ? "copy mode (someone is scrolling back in it)" : mode)}"
        : Screen is { Starting: true } starting
        ? $"it is still starting (screen matches {starting.Pattern}): a prompt typed now is held and submitted once it has started, " +
          "so whether and when it arrives could not be told; send again once it has started"
        : State.Name switch
        {
            AgentStateName.Waiting => $"it is waiting for a human ({State.Reason}): the Enter would answer that dialog",
            AgentStateName.Stopped => $"its runtime is not running ({State.Reason}): the text would go to whatever took its place",
            AgentStateName.Unknown when !allowUnknown =>
                "its state cannot be told (no hook report and no screen pattern matches); pass --allow-unknown to send to a program you know is waiting for input",
            // Whatever the hooks say: only the empty input box itself is evidence that typed text becomes this
            // message alone (a draft would be merged, a menu would take the keys).
            _ when EmptyInput == false =>
                "the pane does not show its empty input box (someone's draft or a prompt put back by Esc, a menu or an overlay, " +
                $"pasted content): it is never merged or typed over; the screen ends: {ScreenTail}",
            _ => null,
        };

    private static string Tail(string screen)
    {
        var lines = PaneRecognizer.Bottom(screen).Split('\n');
        var tail = string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - QuotedLines)).Select(l => l.Trim()));
        return tail.Length > 400 ? tail[..400] + "…" : tail;
    }

    public static async Task<AgentReadiness> ProbeAsync(FleetRoster roster, AgentSpec spec, TmuxClient tmux, string pane, CancellationToken ct)
    {
        var runtime = roster.Runtimes[spec.Runtime];
        // One tmux call: the pane's process and mode, then its screen, as the exporter reads it.
        const string marker = "fleet-send-probe:";
        var output = await tmux.MustAsync(["display-message", "-p", "-t", pane, marker + "#{pane_pid} #{pane_in_mode} #{pane_dead} #{pane_mode}", ";", "capture-pane", "-p", "-t", pane], ct: ct);
        var lines = output.Split('\n');
        var head = lines.FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal))?[marker.Length..].Split(' ') ?? [];
        var screenText = string.Join('\n', lines.SkipWhile(l => !l.StartsWith(marker, StringComparison.Ordinal)).Skip(1));
        int? panePid = head.Length > 0 && int.TryParse(head[0], out var pid) ? pid : null;
        var mode = head.Length > 1 && head[1] == "1" ? (head.Length > 3 && head[3].Length > 0 ? head[3] : "a mode") : null;
        var dead = head.Length > 2 && head[2] == "1";

        // The same decision ps and the exporter make (AgentDecision), from this one pane's facts.
        var heartbeat = new HeartbeatSource(TimeProvider.System).Read(roster.Heartbeat.FileFor(spec.Name), spec.HeartbeatInterval);
        // Only this pane's processes: the host's other thousands are no business of this send.
        var table = panePid is null || dead ? null : ProcessTable.ReadTree(panePid.Value);
        var inspected = table is null || panePid is null ? null : RuntimeMatcher.Inspect(runtime, table, panePid.Value);
        var screen = runtime.States.Recognize(screenText);
        var paneFacts = new TmuxPane(spec.Session, pane, panePid, "", dead, null, null, "", 0, 0);
        var state = AgentDecision.Decide(new AgentFacts(true, paneFacts, inspected, heartbeat, screen), previous: null, DateTimeOffset.UtcNow).State;
        return new AgentReadiness(state, screen, heartbeat.Hook, mode, runtime.States.ShowsEmptyInput(screenText), Tail(screenText));
    }
}
