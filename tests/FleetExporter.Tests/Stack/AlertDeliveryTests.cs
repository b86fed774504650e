using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// The whole path of a page with the real parts: a tmux fleet under systemd, `fleet-exporter serve`, Prometheus
/// evaluating rules/fleet-alerts.yml unchanged, Alertmanager routing with deploy/alertmanager/alertmanager.yml,
/// and a webhook that stands in for the pager. Only intervals are short: heartbeat, scrape and evaluation 1 s,
/// group_wait 1 s; the rule's own `for:` (1m) is kept.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[Collection(SystemdCollection.Name)]
public sealed class AlertDeliveryTests(SystemdUserManager systemd, ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(1);

    [Fact(Timeout = 180_000)]
    public async Task A_silent_or_hung_agent_is_paged_within_the_bound_and_idle_waiting_and_healthy_agents_send_nothing()
    {
        // steady-* and silent beat from a loop (no state: unknown); the others beat only through their hooks, as real
        // agents do: idle finished its turn, asker waits on a permission prompt, hung starts a turn that never ends.
        string[] beating = ["steady-1", "steady-2", "silent"];
        string[] agents = [.. beating, "idle", "asker", "hung"];
        await using var webhook = new WebhookReceiver();
        var alertmanagerYaml = StackConfig.Alertmanager(webhook.Port, GroupWait);
        await using var alertmanager = await AlertmanagerServer.StartAsync(alertmanagerYaml);
        await using var fleet = await LiveFleet.StartAsync(systemd, agents, beating, Interval);
        // Before Prometheus looks, so that no scrape sees them without a heartbeat.
        await fleet.ReportAsync("idle", "claude", Event("UserPromptSubmit", "\"prompt\":\"hello\",\"prompt_id\":\"p1\""));
        await fleet.ReportAsync("idle", "claude", Event("Stop"));
        await fleet.ReportAsync("asker", "claude", Event("PermissionRequest", "\"tool_name\":\"Bash\""));
        await fleet.ReportAsync("hung", "claude", Event("SessionStart", "\"source\":\"startup\""));
        await using var prometheus = await PrometheusServer.StartAsync(StackConfig.Prometheus(fleet.Serve.Port, alertmanager.Port, Interval));

        // The beating fleet is healthy before anything goes wrong: every flag of those agents is known and down.
        var selector = "fleet_agent_flag{agent=~\"steady-.*|silent\"}";
        var flags = await prometheus.WaitForAsync(selector, r => r.Count == beating.Length * 8 && r.All(s => s.Value == 0), TimeSpan.FromSeconds(30));
        Assert.True(flags.Count == beating.Length * 8 && flags.All(s => s.Value == 0),
            "the fleet never became healthy: " + string.Join(", ", flags.Where(s => s.Value != 0).Select(s => $"{s.Labels["agent"]} {s.Labels["flag"]}")) + "\n" + fleet.Serve.Output);
        var states = await prometheus.WaitForAsync("fleet_agent_state{agent=~\"idle|asker|hung\"} == 1", r => r.Count == 3, TimeSpan.FromSeconds(30));
        Assert.Equal(["asker waiting", "hung idle", "idle idle"], states.Select(s => $"{s.Labels["agent"]} {s.Labels["state"]}").Order());

        // hung's turn starts and never reports again, at the moment silent stops beating: both must page.
        await fleet.ReportAsync("hung", "claude", Event("UserPromptSubmit", "\"prompt\":\"build it\",\"prompt_id\":\"p2\""));
        var hungBeat = DateTimeOffset.UtcNow;
        var lastBeat = await fleet.StopBeatingAsync("silent");
        // Every term is a wait the pipeline may really make. The scrape timeout is there because a sample exists
        // only once its scrape has finished (Prometheus caps the timeout at the 1 s interval).
        var bound = 3 * Interval + StackConfig.For("FleetHeartbeatStale") + Interval /* scrape interval */ + Interval /* scrape timeout */
                    + Interval /* evaluation */ + StackConfig.GroupWait(alertmanagerYaml);
        var page = await webhook.WaitForAsync(
            n => n.Status == "firing" && n.Alerts.Any(a => Label(a, "alertname") == "FleetHeartbeatStale" && Label(a, "agent") == "silent"),
            bound + TimeSpan.FromSeconds(30));

        // When no page comes, what the pipeline did meanwhile says which stage stopped (seen once in a full run).
        if (page is null)
        {
            var received = string.Join("; ", webhook.Received.SelectMany(n => n.Alerts.Select(a => $"{n.Status} {Label(a, "alertname")} {Label(a, "agent")}")));
            var silentNow = await prometheus.QueryAsync("fleet_heartbeat_age_seconds{agent=\"silent\"} or fleet_agent_flag{agent=\"silent\",flag=\"HB-STALE\"} or ALERTS{agent=\"silent\"}");
            Assert.Fail($"no page for silent within {(bound + TimeSpan.FromSeconds(30)).TotalSeconds:0} s; received: [{received}]; " +
                        $"now: [{string.Join(", ", silentNow.Select(r => $"{r.Labels.GetValueOrDefault("__name__")}{{{r.Labels.GetValueOrDefault("flag") ?? r.Labels.GetValueOrDefault("alertstate")}}}={r.Value}"))}]; " +
                        await ScrapesSinceAsync(prometheus, lastBeat) + "\n" + fleet.Serve.Output);
        }
        var latency = page.ReceivedAt - lastBeat;
        output.WriteLine($"last heartbeat of 'silent' -> webhook call: {latency.TotalSeconds:0.000} s; bound {bound.TotalSeconds:0.###} s " +
                         $"(3 x {Interval.TotalSeconds:0} s interval + for {StackConfig.For("FleetHeartbeatStale").TotalSeconds:0} s + scrape interval 1 s + scrape timeout 1 s + evaluation 1 s + group_wait {GroupWait.TotalSeconds:0} s)");
        // A page later than the bound is a pipeline stage that fell behind: missed or slow scrapes show which.
        var scrapes = await ScrapesSinceAsync(prometheus, lastBeat);
        output.WriteLine(scrapes);
        Assert.True(latency <= bound, $"paged after {latency.TotalSeconds:0.000} s, bound {bound.TotalSeconds} s; {scrapes}");
        Assert.True(latency >= 3 * Interval + StackConfig.For("FleetHeartbeatStale"), $"paged too early: {latency.TotalSeconds:0.000} s");

        Assert.Equal("page", page.Receiver);
        var alert = Assert.Single(page.Alerts);
        Assert.Equal("critical", Label(alert, "severity"));
        Assert.Equal(LiveFleet.Tenant, Label(alert, "tenant"));
        Assert.Equal(LiveFleet.Host, Label(alert, "host"));
        Assert.Equal("fleet", Label(alert, "job"));
        Assert.Equal("https://github.com/fleet-exporter/fleet-exporter/blob/main/docs/runbooks.md#fleetheartbeatstale", alert["annotations"]!["runbook_url"]!.GetValue<string>());
        Assert.StartsWith($"Agent silent (tenant {LiveFleet.Tenant}, host {LiveFleet.Host}) last wrote its heartbeat ", alert["annotations"]!["description"]!.GetValue<string>());

        // The working agent that stopped reporting pages like a silent one, within the same bound from its last beat.
        var hungPage = await webhook.WaitForAsync(
            n => n.Status == "firing" && n.Alerts.Any(a => Label(a, "alertname") == "FleetHeartbeatStale" && Label(a, "agent") == "hung"),
            bound + TimeSpan.FromSeconds(30));
        Assert.NotNull(hungPage);
        Assert.Equal("page", hungPage.Receiver);
        output.WriteLine($"hung's last hook report -> webhook call: {(hungPage.ReceivedAt - hungBeat).TotalSeconds:0.000} s");
        Assert.True(hungPage.ReceivedAt - hungBeat <= bound + TimeSpan.FromSeconds(1), $"hung paged after {(hungPage.ReceivedAt - hungBeat).TotalSeconds:0.000} s");

        // The healthy, idle and waiting agents, alive for the same time, sent nothing and never even had a pending
        // alert, although the idle and waiting ones stopped beating long ago.
        var others = webhook.Received.SelectMany(n => n.Alerts.Select(a => $"{n.Receiver}: {Label(a, "alertname")} {Label(a, "agent")}"))
            .Where(s => s is not ("page: FleetHeartbeatStale silent" or "page: FleetHeartbeatStale hung")).ToList();
        Assert.True(others.Count == 0, "unexpected notifications: " + string.Join("; ", others));
        var stale = await prometheus.QueryAsync("fleet_heartbeat_age_seconds{agent=~\"idle|asker\"} > 3 * fleet_heartbeat_interval_seconds");
        Assert.Equal(2, stale.Count);
        var steadyAlerts = await prometheus.QueryAsync("count_over_time(ALERTS{agent=~\"steady-.*|idle|asker\"}[10m])");
        Assert.True(steadyAlerts.Count == 0, "alerts for healthy, idle or waiting agents: " + string.Join(", ", steadyAlerts.Select(s => s.Labels["alertname"] + " " + s.Labels["agent"])));
        var silentOnly = await prometheus.QueryAsync("count by (alertname) (count_over_time(ALERTS{agent=\"silent\"}[10m]))");
        Assert.Equal(["FleetHeartbeatStale"], silentOnly.Select(s => s.Labels["alertname"]));
    }

    /// <summary>How Prometheus scraped the exporter since the given time: sample count, lowest up, slowest scrape.</summary>
    private static async Task<string> ScrapesSinceAsync(PrometheusServer prometheus, DateTimeOffset since)
    {
        var window = $"{(int)Math.Ceiling((DateTimeOffset.UtcNow - since).TotalSeconds)}s";
        // Diagnostics only: a query that fails says so instead of hiding the assertion it explains.
        async Task<string> Value(string promql)
        {
            try { return await prometheus.QueryAsync(promql) is [var sample, ..] ? sample.Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "none"; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException) { return $"unknown ({e.Message})"; }
        }
        return $"in the last {window}: {await Value($"count_over_time(up{{job=\"fleet\"}}[{window}])")} scrapes " +
               $"(one per {Interval.TotalSeconds:0} s expected), lowest up {await Value($"min_over_time(up{{job=\"fleet\"}}[{window}])")}, " +
               $"slowest scrape {await Value($"max_over_time(scrape_duration_seconds{{job=\"fleet\"}}[{window}])")} s";
    }

    private static string Event(string name, string fields = "") =>
        $"{{\"session_id\":\"s1\",\"hook_event_name\":\"{name}\"{(fields.Length > 0 ? "," + fields : "")}}}";

    private static string? Label(System.Text.Json.Nodes.JsonObject alert, string name) => alert["labels"]?[name]?.GetValue<string>();
}
