using System.Globalization;
using System.Text;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;

namespace FleetExporter.Agents.Hooks;

/// <summary>The pure step from the last report and one event to the next report, which the hook then writes.</summary>
public static class HookTransition
{
    public static HookReport Apply(HookReport? previous, HookEvent e, RuntimeEventMap map, DateTimeOffset now, long seq)
    {
        var rule = map.Rule(e.Name, e.Detail);
        var subagents = Subagents(previous, e, rule, seq);
        var state = rule?.State ?? previous?.State ?? AgentStateName.Unknown;
        // A turn that ends while a background subagent still runs has not ended the agent's work: a hung subagent
        // must stay "working" (and so page), not read as idle.
        if (state == AgentStateName.Idle && subagents.Count > 0) state = AgentStateName.Working;
        // Entering a state starts its clock; staying in it (another tool call while working) keeps the old one.
        var since = previous is { } p && p.State == state && p.Since is not null ? p.Since : now;
        var prompt = previous?.Prompt;
        if (rule is { SubmitsPrompt: true } && e.PromptText is { } text)
        {
            // Runtimes without a prompt id get one of ours, unique per agent: the heartbeat's sequence number.
            var id = e.PromptId ?? "seq-" + seq.ToString(CultureInfo.InvariantCulture);
            var typed = HookEvent.Unwrapped(text);
            prompt = new PromptReport(id, HookEvent.Sha256Hex(typed), Encoding.UTF8.GetByteCount(typed), now);
        }
        return new HookReport(state, since, map.Runtime, e.Name, e.Detail, e.SessionId ?? previous?.SessionId, prompt) { Subagents = subagents };
    }

    /// <summary>
    /// The subagents running after this event: the runtime's own list when the event carries one (Claude Code's Stop
    /// does), else the last one; then a start adds its id, a stop removes it (one without an id removes the oldest).
    /// A new or ended session has none, and a stopped runtime runs none.
    /// </summary>
    private static IReadOnlyList<string> Subagents(HookReport? previous, HookEvent e, EventRule? rule, long seq)
    {
        var running = e.BackgroundTasks ?? previous?.Subagents ?? [];
        if (rule?.State == AgentStateName.Stopped || (e.BackgroundTasks is null && e.SessionId is { } s && previous?.SessionId is { } was && s != was)) running = [];
        switch (rule?.Subagent)
        {
            case SubagentChange.Start:
                var id = e.SubagentId ?? "seq-" + seq.ToString(CultureInfo.InvariantCulture);
                return running.Contains(id) ? running : [.. running.TakeLast(HookReport.MaxSubagents - 1), id];
            case SubagentChange.Stop when e.SubagentId is { } ended:
                return running.Where(r => r != ended).ToList();
            case SubagentChange.Stop:
                return running.Skip(1).ToList();
            default:
                return running;
        }
    }
}
