using System.Net;
using System.Text;
using FleetExporter.Glance;
using FleetExporter.Metrics;
using FleetExporter.Telemetry;

namespace FleetExporter.Web;

/// <summary>
/// The exporter's landing page: the fleet at a glance. It reloads itself (every <see cref="DefaultRefresh"/>
/// seconds; <c>?refresh=N</c> changes that, <c>?refresh=0</c> stops it), says how many agents need attention, lists
/// those first, and explains each flag with a link to its runbook. No script, no external asset; everything that
/// came from outside is HTML-escaped.
/// </summary>
public static class LandingPage
{
    public const int DefaultRefresh = 5;

    public static void MapLandingPage(this WebApplication app) =>
        app.MapMethods("/", ExporterApp.GetAndHead, async (HttpRequest request, ScrapeCollector collector, ServeOptions options, RosterProvider rosters) =>
        {
            var snapshot = await collector.RecentAsync(TimeSpan.FromSeconds(5), ScrapeBudget.Default);
            return Results.Content(
                Render(snapshot, options, rosters.NoRosterReason is null ? null : rosters.Path, Refresh(request.Query["refresh"])),
                "text/html; charset=utf-8");
        });

    /// <summary>Seconds between reloads: the query's whole number (0 = never), else the default; capped at an hour.</summary>
    public static int Refresh(string? query) => PageStyle.Refresh(query, DefaultRefresh);

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    public static string Render(Fleet.FleetSnapshot snapshot, ServeOptions options, string? missingRoster, int refresh = DefaultRefresh)
    {
        var rows = Attention.Sort(snapshot.Agents, Attention.ShownFlags, a => LandingPageRows.StateLabel(a));
        var summary = Attention.Summary(rows.Select(a => (Attention.ShownFlags(a), LandingPageRows.StateLabel(a))).ToList());
        var calm = rows.All(a => !Attention.Needs(Attention.ShownFlags(a), LandingPageRows.StateLabel(a)));
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">").Append(PageStyle.Head).Append(PageStyle.RefreshMeta(refresh));
        sb.Append("<title>fleet-exporter</title>")
          .Append("<style>").Append(PageStyle.Css)
          .Append(".ok,.found{color:#2a7}.bad{color:#c22;font-weight:bold}.unknown{color:#888}.summary{font-size:1.2em}dt{font-weight:bold;float:left;clear:left;width:9em}dd{margin-left:10em}</style></head><body>")
          .Append("<h1>fleet-exporter</h1>")
          .Append($"<p>Version {E(BuildInfo.Version)} (revision {E(BuildInfo.Revision)}) on host <b>{E(snapshot.Roster.Host)}</b>. ")
          .Append($"<a href=\"{E(options.TelemetryPath.TrimStart('/'))}\">Metrics</a> · <a href=\"-/healthy\">Health</a>{(options.PrometheusUrl is null ? "" : $" · <a href=\"{FleetPage.Path.TrimStart('/')}\">Fleet across hosts</a>")}</p>");
        if (missingRoster is not null)
            sb.Append($"<p class=\"bad\">No roster at <code>{E(missingRoster)}</code>: serving an empty fleet, and collector roster fails (see Sources for why). ")
              .Append("Create that file (see the README's \"The roster\") or restart with <code>--roster PATH</code>; it is picked up at the next scrape.</p>");
        sb.Append($"<p class=\"summary {(calm ? "ok" : "bad")}\">{E(summary)}</p>")
          .Append($"<h2>Fleet ({snapshot.Agents.Count} agents, collected {snapshot.At:u} in {snapshot.Duration.TotalMilliseconds:0} ms)</h2>")
          .Append(refresh > 0
              ? $"<p><small>This page reloads every {refresh} s (<a href=\"?refresh=0\">stop</a>). Agents that need attention come first.</small></p>"
              : $"<p><small>Reloading is off (<a href=\"?refresh={DefaultRefresh}\">reload every {DefaultRefresh} s</a>). Agents that need attention come first.</small></p>")
          .Append(PageStyle.TableStart).Append("<tr><th>agent</th><th>tenant</th><th>runtime</th><th>unit</th><th>pane</th><th>state</th><th>idle</th><th>heartbeat age</th><th>cost today</th><th>cost</th><th>flags</th></tr>");
        foreach (var a in rows) sb.Append(LandingPageRows.Row(a, snapshot.Roster.Prices, Usage.UsageHook.LocalDate(snapshot.At)));
        sb.Append(PageStyle.TableEnd).Append(Legend()).Append("<h2>Sources</h2><ul>");
        foreach (var s in snapshot.Sources)
            sb.Append(s.Ok ? $"<li class=\"ok\">{E(s.Source)}: ok ({s.Duration.TotalMilliseconds:0} ms{(s.Note is null ? "" : "; " + E(s.Note))})</li>" : $"<li class=\"bad\">{E(s.Source)}: {E(s.Error)}</li>");
        sb.Append("</ul></body></html>\n");
        return sb.ToString();
    }

    /// <summary>Each flag, the waiting state and "?" with what they mean and the runbook that says what to do.</summary>
    private static string Legend()
    {
        var sb = new StringBuilder("<h2 id=\"legend\">Flags</h2><dl>");
        foreach (var f in FlagGuide.Entries.Append(FlagGuide.Waiting))
            sb.Append($"<dt>{E(f.Flag)}</dt><dd>{E(f.Meaning)}. <a href=\"{E(f.RunbookUrl)}\">Runbook</a></dd>");
        sb.Append($"<dt>pane</dt><dd>{E("the runtime found in the pane's process tree; in red, what runs there instead (e.g. a shell after the runtime exited), or dead(STATUS)")}</dd>");
        return sb.Append("</dl>").ToString();
    }
}
