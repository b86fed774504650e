using System.Net;
using System.Text;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Telemetry;

namespace FleetExporter.Web;

/// <summary>The exporters' landing page: a link to the metrics, and the fleet at a glance.</summary>
public static class LandingPage
{
    public static void MapLandingPage(this WebApplication app) =>
        app.MapMethods("/", ExporterApp.GetAndHead, async (ScrapeCollector collector, ServeOptions options, RosterProvider rosters) =>
        {
            var snapshot = await collector.RecentAsync(TimeSpan.FromSeconds(5), ScrapeBudget.Default);
            return Results.Content(Render(snapshot, options, rosters.NoRosterReason is null ? null : rosters.Path), "text/html; charset=utf-8");
        });

    private static string State(AgentState s)
    {
        if (s.Name == AgentStateName.Unknown) return "<span class=\"unknown\">unknown</span>";
        var css = s.Name == AgentStateName.Waiting ? "bad" : "state";
        var since = s.Since is { } t ? $" since {t:HH:mm:ss}" : "";
        var title = WebUtility.HtmlEncode($"from {AgentState.Label(s.Source!.Value)}{since}: {s.Reason}");
        return $"<span class=\"{css}\" title=\"{title}\">{WebUtility.HtmlEncode(s.NameLabel)}</span> <small>({AgentState.Label(s.Source!.Value)})</small>";
    }

    /// <summary>"ok" only when every flag was decided and none is raised; a flag that could not be decided shows "?" (why, on hover).</summary>
    private static string Flags(AgentStatus a)
    {
        var undecided = AgentFlags.Undecided(a);
        var unknown = undecided.Count == 0 && a.RuntimeUnknown is null
            ? ""
            : $"<span class=\"unknown\" title=\"{WebUtility.HtmlEncode(string.Join("; ", new[] { undecided.Count > 0 ? "not decided: " + string.Join(' ', undecided) : null, a.RuntimeUnknown }.OfType<string>()))}\">?</span>";
        if (a.Flags.Count == 0) return unknown.Length > 0 ? unknown : "<span class=\"ok\">ok</span>";
        var raised = $"<span class=\"bad\">{WebUtility.HtmlEncode(string.Join(' ', a.Flags))}</span>";
        return unknown.Length > 0 ? raised + " " + unknown : raised;
    }

    public static string Render(FleetSnapshot snapshot, ServeOptions options, string? missingRoster)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fleet-exporter</title>")
          .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.25em .75em;border-bottom:1px solid #ddd;text-align:left}")
          .Append(".ok{color:#2a7}.bad{color:#c22;font-weight:bold}.unknown{color:#888}</style></head><body>")
          .Append("<h1>fleet-exporter</h1>")
          .Append($"<p>Version {E(BuildInfo.Version)} (revision {E(BuildInfo.Revision)}) on host <b>{E(snapshot.Roster.Host)}</b>. ")
          .Append($"<a href=\"{E(options.TelemetryPath.TrimStart('/'))}\">Metrics</a> · <a href=\"-/healthy\">Health</a>{(options.PrometheusUrl is null ? "" : $" · <a href=\"{FleetPage.Path.TrimStart('/')}\">Fleet across hosts</a>")}</p>");
        if (missingRoster is not null)
            sb.Append($"<p class=\"bad\">No roster at <code>{E(missingRoster)}</code>: serving an empty fleet, and collector roster fails (see Sources for why). ")
              .Append("Create that file (see the README's \"The roster\") or restart with <code>--roster PATH</code>; it is picked up at the next scrape.</p>");
        sb.Append($"<h2>Fleet ({snapshot.Agents.Count} agents, collected {snapshot.At:u} in {snapshot.Duration.TotalMilliseconds:0} ms)</h2>")
          .Append("<table><tr><th>agent</th><th>tenant</th><th>runtime</th><th>unit</th><th>pane</th><th>state</th><th>idle</th><th>heartbeat age</th><th>flags</th></tr>");
        foreach (var a in snapshot.Agents)
        {
            var flags = Flags(a);
            var pane = a.SessionPresent switch
            {
                null => "<span class=\"unknown\">?</span>",
                false => "-",
                _ => E(a.Pane!.Dead ? "dead" : a.Processes?.Runtime?.Command ?? a.Pane.CurrentCommand),
            };
            sb.Append($"<tr><td>{E(a.Spec.Name)}</td><td>{E(a.Spec.Tenant)}</td><td>{E(a.Spec.Runtime)}</td>")
              .Append($"<td>{(a.Unit is null ? "<span class=\"unknown\">?</span>" : E(a.Unit.ActiveState))}</td><td>{pane}</td><td>{State(a.State)}</td>")
              .Append($"<td>{E(a.Idle is { } i ? Durations.Format(i) : "-")}</td><td>{E(a.Heartbeat.Age is { } h ? Durations.Format(h) : a.Heartbeat.State.ToString().ToLowerInvariant())}</td>")
              .Append($"<td>{flags}</td></tr>");
        }
        sb.Append("</table><h2>Sources</h2><ul>");
        foreach (var s in snapshot.Sources)
            sb.Append(s.Ok ? $"<li class=\"ok\">{E(s.Source)}: ok ({s.Duration.TotalMilliseconds:0} ms{(s.Note is null ? "" : "; " + E(s.Note))})</li>" : $"<li class=\"bad\">{E(s.Source)}: {E(s.Error)}</li>");
        sb.Append("</ul></body></html>\n");
        return sb.ToString();
    }
}
