using System.Globalization;
using System.Text;
using FleetExporter.Agents.State;

namespace FleetExporter.Agents.Hooks;

/// <summary>The pure step from the last report and one event to the next report, which the hook then writes.</summary>
public static class HookTransition
{
    public static HookReport Apply(HookReport? previous, HookEvent e, RuntimeEventMap map, DateTimeOffset now, long seq)
    {
        var rule = map.Rule(e.Name, e.Detail);
        var state = rule?.State ?? previous?.State ?? AgentStateName.Unknown;
        // Entering a state starts its clock; staying in it (another tool call while working) keeps the old one.
        var since = previous is { } p && p.State == state && p.Since is not null ? p.Since : now;
        var prompt = previous?.Prompt;
        if (rule is { SubmitsPrompt: true } && e.PromptText is { } text)
        {
            // Runtimes without a prompt id get one of ours, unique per agent: the heartbeat's sequence number.
            var id = e.PromptId ?? "seq-" + seq.ToString(CultureInfo.InvariantCulture);
            prompt = new PromptReport(id, HookEvent.Sha256Hex(text), Encoding.UTF8.GetByteCount(text), now);
        }
        return new HookReport(state, since, map.Runtime, e.Name, e.Detail, e.SessionId ?? previous?.SessionId, prompt);
    }
}
