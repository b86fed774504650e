using System.Net;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Glance;
using FleetExporter.Roster;

namespace FleetExporter.Web;

/// <summary>One agent's row on the landing page; the name first and the flags last, every value escaped.</summary>
internal static class LandingPageRows
{
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private const string UnknownMark = "<span class=\"unknown\">?</span>";

    /// <summary>The state as ps shows it: its name, or "?" when unknown.</summary>
    public static string StateLabel(AgentStatus a) => a.State.Name == AgentStateName.Unknown ? FlagGuide.Unknown : a.State.NameLabel;

    public static string Row(AgentStatus a, Usage.PriceTable prices, DateOnly today) =>
        $"<tr><td>{E(a.Spec.Name)}</td><td>{E(a.Spec.Tenant)}</td><td>{E(a.Spec.Runtime)}</td>"
        + $"<td>{(a.Unit is null ? UnknownMark : E(a.Unit.ActiveState))}</td><td>{Pane(PaneWitness.Of(a))}</td><td>{State(a.State)}</td>"
        + $"<td>{E(a.Idle is { } i ? Durations.Format(i) : "-")}</td><td>{E(a.Heartbeat.Age is { } h ? Durations.Format(h) : a.Heartbeat.Word)}</td>"
        + $"<td>{E(UsageCells.Today(a.Usage, prices, today))}</td><td>{Cost(a, prices)}</td><td>{Flags(a)}</td></tr>";

    /// <summary>What the agent spent since its count began, at list prices (as ps shows it), the tokens and context on hover.</summary>
    private static string Cost(AgentStatus a, Usage.PriceTable prices)
    {
        var text = UsageCells.Cost(a.Usage, prices);
        if (a.Usage is not { } usage) return E(text);
        var title = usage.Totals is { } t
            ? $"{t.TotalTokens} tokens in {t.Responses} responses; context {UsageCells.Context(usage)}" + (usage.Problem is null ? "" : "; " + usage.Problem)
            : usage.Problem ?? "";
        return $"<span title=\"{E(title)}\">{E(text)}</span>";
    }

    private static string Pane(PaneWitness pane) => pane.Kind switch
    {
        PaneKind.NoSession => $"<span title=\"{E(pane.Detail)}\">-</span>",
        PaneKind.Runtime => $"<span class=\"found\" title=\"{E(pane.Detail)}\">{E(pane.Text)}</span>",
        PaneKind.Unknown => $"<span class=\"unknown\" title=\"{E(pane.Detail)}\">?</span>",
        _ => $"<span class=\"bad\" title=\"{E(pane.Detail)}\">{E(pane.Text)}</span>",
    };

    private static string State(AgentState s)
    {
        if (s.Name == AgentStateName.Unknown) return UnknownMark;
        var since = s.Since is { } t ? $" since {t:HH:mm:ss}" : "";
        var title = E($"from {AgentState.Label(s.Source!.Value)}{since}: {s.Reason}");
        var label = s.Name == AgentStateName.Waiting
            ? $"<a class=\"bad\" href=\"{E(FlagGuide.Waiting.RunbookUrl)}\" title=\"{title}\">{E(s.NameLabel)}</a>"
            : $"<span class=\"state\" title=\"{title}\">{E(s.NameLabel)}</span>";
        return $"{label} <small>({AgentState.Label(s.Source!.Value)})</small>";
    }

    /// <summary>"ok" only when every flag was decided and none is raised; a flag that could not be decided shows "?" (why, on hover).</summary>
    private static string Flags(AgentStatus a)
    {
        var undecided = AgentFlags.Undecided(a);
        var unknown = undecided.Count == 0 && a.RuntimeUnknown is null
            ? ""
            : $"<span class=\"unknown\" title=\"{E(string.Join("; ", new[] { undecided.Count > 0 ? "not decided: " + string.Join(' ', undecided) : null, a.RuntimeUnknown }.OfType<string>()))}\">?</span>";
        if (a.Flags.Count == 0) return unknown.Length > 0 ? unknown : "<span class=\"ok\">ok</span>";
        var raised = string.Join(' ', a.Flags.Select(Flag));
        return unknown.Length > 0 ? raised + " " + unknown : raised;
    }

    /// <summary>A raised flag, linked to its runbook, its meaning on hover.</summary>
    private static string Flag(string flag) =>
        FlagGuide.Entries.FirstOrDefault(f => f.Flag == flag) is { } entry
            ? $"<a class=\"bad\" href=\"{E(entry.RunbookUrl)}\" title=\"{E(entry.Meaning)}\">{E(flag)}</a>"
            : $"<span class=\"bad\">{E(flag)}</span>";
}
