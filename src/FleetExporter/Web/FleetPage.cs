using System.Net;
using System.Text;
using FleetExporter.Federation;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Telemetry;

namespace FleetExporter.Web;

/// <summary>
/// <c>/fleet</c>, served when <c>serve</c> is given <c>--prometheus.url</c>: the fleet across every host that Prometheus
/// knows, as <c>ps --prometheus</c> shows it (same rows, same flags, hosts down, absent or stale flagged so), filtered by
/// the query string (<c>?tenant=</c>, <c>host=</c>, <c>agent=</c>, <c>flag=</c>, each repeatable). A Prometheus that cannot
/// be asked is a 503 page that says why. It reloads itself every <see cref="DefaultRefresh"/> seconds (<c>?refresh=N</c>,
/// <c>?refresh=0</c> to stop; the filters are kept), the 503 page too, so a page left open recovers with Prometheus.
/// </summary>
public static class FleetPage
{
    public const string Path = "/fleet";

    /// <summary>Prometheus' default scrape interval: reloading more often asks it again for nothing new.</summary>
    public const int DefaultRefresh = 15;

    public static void MapFleetPage(this WebApplication app) =>
        app.MapMethods(Path, ExporterApp.GetAndHead, async (HttpContext ctx, PrometheusApi api) =>
        {
            var q = ctx.Request.Query;
            var refresh = PageStyle.Refresh(q["refresh"], DefaultRefresh);
            RemoteFleetView view;
            try
            {
                // Work done for a client stops when it leaves: the queries are cancelled, and so is each step after them.
                var gone = ctx.RequestAborted;
                var answers = await FleetAnswers.LoadAsync(api, DateTimeOffset.UtcNow, TimeSpan.FromHours(1), gone);
                gone.ThrowIfCancellationRequested();
                var hosts = HostHealthClassifier.Classify(answers);
                gone.ThrowIfCancellationRequested();
                view = RemoteFleetMapper.Map(answers, hosts, api.BaseUrl.ToString());
                gone.ThrowIfCancellationRequested();
            }
            catch (PrometheusException e)
            {
                return Results.Content(Page($"<p class=\"bad\">{E(e.Message)}</p>", refresh), "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            view = new RemoteFilter([.. q["tenant"].OfType<string>()], [.. q["host"].OfType<string>()], [.. q["agent"].OfType<string>()], [.. q["flag"].OfType<string>()]).Apply(view);
            var filters = QueryString.Create(q.Where(p => p.Key != "refresh").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v))));
            return Results.Content(Render(view, api.BaseUrl, refresh, filters.Value?.TrimStart('?') ?? ""), "text/html; charset=utf-8");
        });

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <param name="filters">The query's filters, encoded (<c>tenant=a&amp;host=b</c>), for the links that stop or restart reloading.</param>
    public static string Render(RemoteFleetView view, Uri prometheus, int refresh = DefaultRefresh, string filters = "")
    {
        var s = view.Snapshot;
        var sb = new StringBuilder();
        var again = filters.Length == 0 ? "?refresh=" : $"?{filters}&refresh=";
        sb.Append($"<p>From <b>{E(prometheus.ToString())}</b> at {s.At:u}: {Count(view.Hosts.Count, "host")}, {Count(s.Agents.Count, "row")}. <a href=\"./\">This host</a></p>")
          .Append(refresh > 0
              ? $"<p><small>This page reloads every {refresh} s (<a href=\"{E(again)}0\">stop</a>).</small></p>"
              : $"<p><small>Reloading is off (<a href=\"{E(again)}{DefaultRefresh}\">reload every {DefaultRefresh} s</a>).</small></p>")
          .Append(PageStyle.TableStart).Append("<tr><th>host</th><th>agent</th><th>tenant</th><th>runtime</th><th>unit</th><th>pane</th><th>state</th><th>idle</th><th>heartbeat age</th><th>cost today</th><th>cost</th><th>context</th><th>flags</th></tr>");
        var today = Usage.UsageHook.LocalDate(s.At);
        foreach (var a in s.Agents)
        {
            var pane = a.SessionPresent switch { null => Unknown, false => "-", _ => E(a.Pane!.Dead ? "dead" : a.Pane.CurrentCommand) };
            sb.Append($"<tr><td>{E(a.Host)}</td><td>{E(a.Spec.Name)}</td><td>{E(a.Spec.Tenant)}</td><td>{E(a.Spec.Runtime)}</td>")
              .Append($"<td>{(a.Unit is null ? Unknown : E(a.Unit.ActiveState))}</td><td>{pane}</td>")
              .Append($"<td>{State(a.State.Name, a.State.NameLabel)}</td>")
              .Append($"<td>{E(a.Idle is { } i ? Durations.Format(i) : "-")}</td>")
              .Append($"<td>{(a.Heartbeat.Age is { } h ? E(Durations.Format(h)) : a.Heartbeat.State == Heartbeats.HeartbeatState.Unknown ? Unknown : E(a.Heartbeat.Word))}</td>")
              .Append($"<td>{E(Glance.UsageCells.Today(a.Usage, s.Roster.Prices, today))}</td><td>{E(Glance.UsageCells.Cost(a.Usage, s.Roster.Prices))}</td>")
              .Append($"<td>{E(Glance.UsageCells.Context(a.Usage))}</td><td>{Flags(a)}</td></tr>");
        }
        sb.Append(PageStyle.TableEnd).Append("<h2>Hosts</h2><ul>");
        foreach (var h in view.Hosts)
        {
            var seen = h.LastSample is { } t ? $"last sample {t:u}" + (h.Interval is { } every ? $", every {Durations.Format(every)}" : "") : "no recent sample";
            sb.Append(h.Condition == HostCondition.Current
                ? $"<li class=\"ok\">{E(h.Host)}: current ({E(seen)})</li>"
                : $"<li class=\"bad\">{E(h.Host)}: {E(h.Flag)}: {E(h.Reason)}</li>");
        }
        foreach (var source in s.Sources.Where(x => !x.Ok && !x.Source.StartsWith(RemoteFleetMapper.ExporterSource + "@", StringComparison.Ordinal)))
            sb.Append($"<li class=\"bad\">{E(source.Source)}: {E(source.Error)}</li>");
        sb.Append("</ul>");
        return Page(sb.ToString(), refresh);
    }

    /// <summary>As on the landing page: unknown is grey, never a state; waiting on a human is red.</summary>
    private static string State(Agents.State.AgentStateName name, string label) => name switch
    {
        Agents.State.AgentStateName.Unknown => "<span class=\"unknown\">unknown</span>",
        Agents.State.AgentStateName.Waiting => $"<span class=\"bad\">{E(label)}</span>",
        _ => E(label),
    };

    private const string Unknown = "<span class=\"unknown\">?</span>";

    /// <summary>"ok" only when every flag was decided and none is raised; a flag that could not be decided shows "?".</summary>
    private static string Flags(AgentStatus a)
    {
        var undecided = AgentFlags.Undecided(a).Count > 0 ? " " + Unknown : "";
        return a.Flags.Count == 0 && undecided.Length == 0 ? "<span class=\"ok\">ok</span>"
            : (a.Flags.Count > 0 ? $"<span class=\"bad\">{E(string.Join(' ', a.Flags))}</span>" : "") + undecided;
    }

    private static string Page(string body, int refresh) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{PageStyle.Head}{PageStyle.RefreshMeta(refresh)}<title>fleet-exporter: fleet across hosts</title>" +
        $"<style>{PageStyle.Css}" +
        ".ok{color:#2a7}.bad{color:#c22;font-weight:bold}.unknown{color:#888}</style></head><body>" +
        $"<h1>Fleet across hosts</h1><p><small>fleet-exporter {E(BuildInfo.Version)}</small></p>{body}</body></html>\n";
}
