using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// Grafana cannot run here, so the board is proven the way Grafana would use it: every variable and panel query,
/// interpolated as Grafana interpolates it, against a real Prometheus that scrapes a real exporter over a real fleet.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[Collection(SystemdCollection.Name)]
public sealed class BoardQueryTests(SystemdUserManager systemd, ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task Every_variable_and_panel_query_of_the_board_returns_data_from_a_live_fleet()
    {
        var board = Board.Load();
        // worker-2 never heartbeats: an active agent without a heartbeat is a pending FleetHeartbeatMissing alert.
        // asker's hook reported a permission prompt: the board's waiting panels need an agent waiting for a human.
        await using var fleet = await LiveFleet.StartAsync(systemd, ["asker", "worker-1", "worker-2"], ["worker-1"], TimeSpan.FromSeconds(1));
        await fleet.ReportAsync("asker", "claude", """{"session_id":"s1","hook_event_name":"PermissionRequest","tool_name":"Bash"}""");
        // worker-1 has spent, as its hooks would have counted it: the spend, token, context and error panels need usage.
        FleetExporter.Usage.UsageFile.Write(Path.Combine(fleet.HeartbeatDir, "worker-1.usage"), FleetExporter.Usage.UsageTotals.Empty
            .Add(new FleetExporter.Usage.ModelResponse("msg_1", "claude-opus-4-5", 1200, 300, 5000, 800))
            .Add(new FleetExporter.Usage.ModelResponse(null, "gpt-5-codex", 900, 40, 100, 0, 12) { Context = 1000, ContextWindow = 258_400 })
            with { ApiErrors = 1 }, DateTimeOffset.UtcNow);
        await using var prometheus = await PrometheusServer.StartAsync(StackConfig.Prometheus(fleet.Serve.Port, alertmanagerPort: null, TimeSpan.FromSeconds(1)));
        var queries = board.PanelQueries.Select(q => (q.Where, Expr: board.Interpolate(q.Expr)))
            .Concat(board.VariableQueries.Select(v => (Where: $"variable {v.Variable}", Expr: board.Interpolate(v.Selector))))
            .ToList();

        var empty = queries.Select(q => q.Where).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            empty = [];
            foreach (var (where, expr) in queries)
                if ((await prometheus.QueryAsync(expr)).Count == 0) empty.Add($"{where}: {expr}");
        }

        foreach (var (where, expr) in queries) output.WriteLine($"{where}: {expr}");
        Assert.True(empty.Count == 0, "queries without data:\n" + string.Join("\n", empty) + "\nexporter log:\n" + fleet.Serve.Output);
        // Each check waits for a scrape that has it: a scrape that timed out mid-collection can lack a series.
        var settle = TimeSpan.FromSeconds(30);
        string[] workers = ["asker", "worker-1", "worker-2"];
        var agents = await prometheus.WaitForAsync(board.Interpolate(board.VariableQueries.Single(v => v.Variable == "agent").Selector),
            r => r.Select(s => s.Labels["agent"]).Order().SequenceEqual(workers), settle);
        Assert.Equal(workers, agents.Select(s => s.Labels["agent"]).Order());
        static bool Missing((IReadOnlyDictionary<string, string> Labels, double Value) a) =>
            a.Labels["alertname"] == "FleetHeartbeatMissing" && a.Labels["agent"] == "worker-2";
        var alerts = await prometheus.WaitForAsync(board.Interpolate(board.PanelQueries.Single(q => q.Where.StartsWith("Fleet alerts")).Expr),
            r => r.Any(Missing), settle);
        Assert.Contains(alerts, Missing);
        var active = await prometheus.WaitForAsync(board.Interpolate(board.PanelQueries.Single(q => q.Where.StartsWith("Active")).Expr),
            r => r is [{ Value: 3 }], settle);
        Assert.Equal(3, Assert.Single(active).Value);
    }
}
