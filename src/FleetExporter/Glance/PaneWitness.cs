using System.Globalization;
using FleetExporter.Fleet;

namespace FleetExporter.Glance;

/// <summary>What a pane shows of its agent: nothing known, no session, a dead pane, the runtime, or what runs instead.</summary>
public enum PaneKind { Unknown, NoSession, Dead, Runtime, Instead }

/// <summary>
/// The PANE column of <c>ps</c> and the landing page: the roster's runtime when the pane's process tree holds it,
/// else the program that runs instead (the pane's foreground command, e.g. <c>bash</c> after the runtime exited).
/// The pane's own command is no witness: a runtime started through a wrapper shell shows as <c>bash</c> whether it
/// runs or not.
/// </summary>
public sealed record PaneWitness(PaneKind Kind, string Text, string Detail)
{
    public static PaneWitness Of(AgentStatus a)
    {
        if (a.SessionPresent is null) return new(PaneKind.Unknown, "?", "tmux could not be read");
        if (a.SessionPresent == false) return new(PaneKind.NoSession, "-", $"no tmux session {a.Spec.Session}");
        var pane = a.Pane!;
        if (pane.Dead)
        {
            var status = pane.DeadStatus?.ToString(CultureInfo.InvariantCulture) ?? "?";
            return new(PaneKind.Dead, $"dead({status})", $"the pane's program exited (status {status}); remain-on-exit kept the pane");
        }
        if (a.Processes is null)
            return new(PaneKind.Unknown, "?", a.RuntimeUnknown ?? "the pane's processes could not be read");
        if (a.Processes.Runtime is { } runtime)
            return new(PaneKind.Runtime, a.Spec.Runtime, $"runtime {a.Spec.Runtime} runs as process {runtime.Pid.ToString(CultureInfo.InvariantCulture)} ({runtime.Command})");
        var instead = pane.CurrentCommand is { Length: > 0 } current ? current : a.Processes.TreeCommands.FirstOrDefault() ?? "?";
        return new(PaneKind.Instead, instead,
            $"runtime {a.Spec.Runtime} is not in the pane; it runs: {string.Join(' ', a.Processes.TreeCommands)}");
    }
}
