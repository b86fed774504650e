using FleetExporter.Fleet;

namespace FleetExporter.Glance;

/// <summary>One flag (or mark) as the legend explains it, with the runbook section of the alert it raises.</summary>
public sealed record FlagEntry(string Flag, string Meaning, string RunbookAnchor)
{
    public string RunbookUrl => FlagGuide.RunbookBase + RunbookAnchor;
}

/// <summary>
/// What each flag means and where its runbook is, worst first: the order the landing page and <c>ps</c> sort by.
/// The anchors are those the alert rules' <c>runbook_url</c> use (rules/fleet-alerts.yml).
/// </summary>
public static class FlagGuide
{
    /// <summary>The runbooks as the alert rules link them.</summary>
    public const string RunbookBase = "https://github.com/fleet-exporter/fleet-exporter/blob/main/docs/runbooks.md#";

    /// <summary>Shown in the flags of an agent some of whose flags could not be decided.</summary>
    public const string Unknown = "?";

    public static readonly IReadOnlyList<FlagEntry> Entries =
    [
        new(AgentFlags.Down, "the agent's systemd unit is not active", "fleetagentdown"),
        new(AgentFlags.NoSession, "the agent's tmux session does not exist", "fleetagentsessionmissing"),
        new(AgentFlags.PaneDead, "the pane's program exited and remain-on-exit kept the pane", "fleetagentpanedead"),
        new(AgentFlags.Drift, "the pane lives but the roster's runtime is not in its process tree (PANE shows what runs instead)", "fleetagentdrift"),
        new(AgentFlags.HeartbeatStale, "working (or in an unknown state) and no heartbeat for more than 3 intervals", "fleetheartbeatstale"),
        new(AgentFlags.HeartbeatInvalid, "the heartbeat file is not a valid v1 heartbeat", "fleetheartbeatinvalid"),
        new(AgentFlags.HeartbeatMissing, "no heartbeat file: a silent agent would not be noticed", "fleetheartbeatmissing"),
        new(AgentFlags.BootEnable, "runs now, but will not start at the next boot (unit not enabled, or no linger)", "fleetbootenablemissing"),
        new(Unknown, "a fact could not be told (a source failed, or the runtime could not be told): never read as healthy", "fleetcollectorfailing"),
    ];

    /// <summary>The waiting state is no flag, but needs a human too.</summary>
    public static readonly FlagEntry Waiting = new("waiting", "blocked on a human: a permission prompt or a question", "fleetagentwaitingforhuman");

    /// <summary>Position in <see cref="Entries"/> (worst first); a flag it does not know sorts last.</summary>
    public static int Severity(string flag)
    {
        for (var i = 0; i < Entries.Count; i++)
            if (Entries[i].Flag == flag) return i;
        return Entries.Count;
    }
}
