using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tests.Stack;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Federation;

/// <summary>
/// The agent-mode topology with the real binaries: two private hosts, each with its exporter and a Prometheus in agent
/// mode (deploy/prometheus/agent-mode/prometheus-agent.yml) remote-writing to a central Prometheus with
/// <c>--web.enable-remote-write-receiver</c> (central.yml), which evaluates rules/fleet-alerts.yml unchanged and pages
/// through Alertmanager (deploy/alertmanager) to a webhook. Only intervals are short (2 s: five servers and two
/// exporters share the machine, and a scrape that times out resets the rule's pending time); the rule's <c>for:</c> is
/// kept. The wait for the page is bounded; how long it took is reported, not asserted (speed is the benchmark's).
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[WaitsOnTheClock]
public sealed class RemoteWriteTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(1);

    [Fact(Timeout = 300_000)]
    public async Task A_stale_heartbeat_on_one_host_pages_through_the_central_prometheus_fed_by_agents()
    {
        await using var webhook = new WebhookReceiver();
        var alertmanagerYaml = StackConfig.Alertmanager(webhook.Port, GroupWait);
        await using var alertmanager = await AlertmanagerServer.StartAsync(alertmanagerYaml);
        await using var central = await PrometheusServer.StartAsync(TopologyConfig.Central(alertmanager.Port, Interval), flags: ["--web.enable-remote-write-receiver"]);
        await using var hosts = await PrivateHosts.StartAsync(Interval,
            ("host-a", "acme", [new("a1"), new("a2")]),
            ("host-b", "globex", [new("b1"), new("silent")]));
        var write = central.Url + "/api/v1/write";
        await using var agentA = await PrometheusServer.StartAsync(TopologyConfig.Agent($"127.0.0.1:{hosts[0].Serve!.Port}", "host-a", write, Interval), flags: ["--enable-feature=agent"]);
        await using var agentB = await PrometheusServer.StartAsync(TopologyConfig.Agent($"127.0.0.1:{hosts[1].Serve!.Port}", "host-b", write, Interval), flags: ["--enable-feature=agent"]);

        // Both hosts arrive centrally, `up` included, with the job and instance the rules and ps use.
        var up = await central.WaitForAsync("up{job=\"fleet\"} == 1", r => r.Count == 2, TimeSpan.FromSeconds(45));
        Assert.Equal(["host-a", "host-b"], up.Select(s => s.Labels["host"]).Order());
        var flags = await central.WaitForAsync("fleet_agent_flag", r => r.Count == 4 * 8 && r.All(s => s.Value == 0), TimeSpan.FromSeconds(30));
        Assert.True(flags.Count == 4 * 8 && flags.All(s => s.Value == 0),
            "the fleet never became healthy centrally: " + string.Join(", ", flags.Where(s => s.Value != 0).Select(s => $"{s.Labels["agent"]} {s.Labels["flag"]}")));

        // ps reads the central store as it reads any Prometheus.
        string[] healthy = ["host-a acme a1: ", "host-a acme a2: ", "host-b globex b1: ", "host-b globex silent: "];
        var ps = await PsRun.EventuallyAsync(central.Url, r => r.Code == 0 && r.Rows.Select(PsRun.Row).Order().SequenceEqual(healthy), TimeSpan.FromSeconds(30));
        Assert.True(ps.Code == 0, ps.Describe());
        Assert.Equal(healthy, ps.Rows.Select(PsRun.Row).Order());

        // The board works unchanged on the central store: its variables list both hosts, and every panel query is answered.
        var board = Board.Load();
        var host = board.VariableQueries.Single(v => v.Variable == "host");
        Assert.Equal(["host-a", "host-b"], (await central.QueryAsync(board.Interpolate(host.Selector))).Select(r => r.Labels[host.Label]).Distinct().Order());
        var answered = 0;
        foreach (var (where, expr) in board.PanelQueries)
        {
            try { answered += (await central.QueryAsync(board.Interpolate(expr))).Count > 0 ? 1 : 0; }
            catch (HttpRequestException e) { Assert.Fail($"{where}: {expr}: {e.Message}"); }
        }
        output.WriteLine($"board: {answered} of {board.PanelQueries.Count()} panel queries have data from the central store");

        var lastBeat = await hosts[1].StopBeatingAsync("silent");
        var forStale = StackConfig.For("FleetHeartbeatStale");
        var bound = 3 * Interval + forStale + Interval /* scrape */ + Interval /* scrape timeout */ + Interval /* batch_send_deadline */
                    + Interval /* evaluation */ + StackConfig.GroupWait(alertmanagerYaml);
        var page = await webhook.WaitForAsync(
            n => n.Status == "firing" && n.Alerts.Any(a => Label(a, "alertname") == "FleetHeartbeatStale" && Label(a, "agent") == "silent"),
            bound + TimeSpan.FromSeconds(90));

        var scrapes = await central.QueryAsync($"count_over_time(up{{job=\"fleet\",host=\"host-b\"}}[{(int)(DateTimeOffset.UtcNow - lastBeat).TotalSeconds + 1}s]) or vector(0)");
        var failed = await central.QueryAsync($"count_over_time((up{{job=\"fleet\",host=\"host-b\"}} == 0)[{(int)(DateTimeOffset.UtcNow - lastBeat).TotalSeconds + 1}s:]) or vector(0)");
        var seen = $"host-b since the last beat: {scrapes[0].Value} scrapes arrived centrally (one per {Interval.TotalSeconds:0} s expected), {failed[0].Value} failed";
        Assert.True(page is not null, $"no page within {(bound + TimeSpan.FromSeconds(90)).TotalSeconds:0} s of the last beat; {seen}");
        var latency = page.ReceivedAt - lastBeat;
        output.WriteLine($"last heartbeat of 'silent' on host-b -> webhook call through the central Prometheus: {latency.TotalSeconds:0.000} s " +
                         $"(every stage on time: {bound.TotalSeconds:0.###} s); {seen}");
        Assert.True(latency >= 3 * Interval + forStale, $"paged too early: {latency.TotalSeconds:0.000} s");
        Assert.Equal("page", page.Receiver);
        var alert = Assert.Single(page.Alerts);
        Assert.Equal("host-b", Label(alert, "host"));
        Assert.Equal("globex", Label(alert, "tenant"));
        Assert.Equal("fleet", Label(alert, "job"));
        Assert.Equal($"127.0.0.1:{hosts[1].Serve!.Port}", Label(alert, "instance"));
        var others = webhook.Received.SelectMany(n => n.Alerts.Select(a => $"{Label(a, "alertname")} {Label(a, "host")} {Label(a, "agent")}"))
            .Where(s => s != "FleetHeartbeatStale host-b silent").ToList();
        Assert.True(others.Count == 0, "unexpected notifications: " + string.Join("; ", others));

        // host-a's agent goes away (no staleness marker is sent): its last samples are not shown as current.
        await agentA.DisposeAsync();
        string[] stale = ["host-a acme a1: STALE", "host-a acme a2: STALE", "host-b globex b1: ", "host-b globex silent: HB-STALE"];
        var after = await PsRun.EventuallyAsync(central.Url, r => r.Rows.Select(PsRun.Row).Order().SequenceEqual(stale), TimeSpan.FromSeconds(30));
        Assert.True(after.Code == 6, after.Describe());
        Assert.Equal(stale, after.Rows.Select(PsRun.Row).Order());
        Assert.Contains("STALE on host host-a: last sample", after.Stderr);
    }

    [Fact(Timeout = 60_000)]
    public async Task Promtool_accepts_every_topology_configuration_as_shipped_and_the_remote_write_rules_with_every_lint()
    {
        foreach (var args in new[]
        {
            new[] { "check", "config", "deploy/prometheus/multi-host/prometheus.yml" },
            ["check", "config", "deploy/prometheus/agent-mode/central.yml"],
            ["check", "config", "--agent", "deploy/prometheus/agent-mode/prometheus-agent.yml"],
            ["check", "rules", "--lint=all", "--lint-fatal", "deploy/prometheus/agent-mode/fleet-remote-write-alerts.yml"],
        })
        {
            var result = await Tool.RunAsync("promtool", args);
            Assert.True(result.ExitCode == 0, $"promtool {string.Join(' ', args)}: {Tool.Describe(result)}");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task The_promtool_unit_tests_of_the_remote_write_alert_pass()
    {
        var result = await Tool.RunAsync("promtool", "test", "rules", "deploy/prometheus/agent-mode/tests/remote-write.test.yml");

        Assert.True(result.ExitCode == 0, Tool.Describe(result));
        Assert.Contains("SUCCESS", result.StandardOutput + result.StandardError);
    }

    private static string? Label(JsonObject alert, string name) => alert["labels"]?[name]?.GetValue<string>();
}
