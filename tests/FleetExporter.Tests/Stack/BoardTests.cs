using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

public sealed class BoardTests
{
    private readonly Board _board = Board.Load();

    [Fact]
    public void The_board_has_a_fixed_uid_and_no_import_placeholders()
    {
        var text = File.ReadAllText(RepoPaths.File(Board.RelativePath));

        Assert.Equal("fleet-exporter-fleet", _board.Json["uid"]!.GetValue<string>());
        Assert.DoesNotContain("${DS_", text);
        Assert.Null(_board.Json["__inputs"]);
    }

    [Fact]
    public void Every_panel_queries_through_the_datasource_variable()
    {
        var datasource = Assert.Single(_board.Variables, v => v["type"]!.GetValue<string>() == "datasource");
        Assert.Equal("prometheus", datasource["query"]!.GetValue<string>());
        var name = datasource["name"]!.GetValue<string>();

        foreach (var panel in _board.Panels)
        {
            Assert.Equal("${" + name + "}", panel["datasource"]!["uid"]!.GetValue<string>());
            foreach (var target in panel["targets"]!.AsArray())
                Assert.Equal("${" + name + "}", target!["datasource"]!["uid"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_tenant_host_and_agent_variables_select_all_by_a_regex_and_every_agent_query_uses_them()
    {
        var names = _board.Variables.Where(v => v["type"]!.GetValue<string>() == "query").Select(v => v["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["tenant", "host", "agent"], names);
        foreach (var v in _board.Variables.Where(v => v["type"]!.GetValue<string>() == "query"))
        {
            Assert.True(v["multi"]!.GetValue<bool>() && v["includeAll"]!.GetValue<bool>(), $"{v["name"]} is not multi-value with All");
            Assert.Equal(".*", v["allValue"]!.GetValue<string>());
        }
        foreach (var (where, expr) in _board.PanelQueries.Where(q => q.Expr.Contains("fleet_agent") || q.Expr.Contains("fleet_heartbeat") || q.Expr.Contains("fleet_boot")))
            foreach (var variable in new[] { "$tenant", "$host", "$agent" })
                Assert.True(expr.Contains(variable), $"{where} ignores {variable}: {expr}");
    }

    [Fact]
    public void Every_panel_has_a_title_a_description_a_unit_and_a_query()
    {
        var panels = _board.Panels.ToList();
        Assert.True(panels.Count >= 12, $"only {panels.Count} panels");

        foreach (var panel in panels)
        {
            var title = panel["title"]?.GetValue<string>();
            Assert.False(string.IsNullOrWhiteSpace(title), $"panel {panel["id"]} has no title");
            Assert.False(string.IsNullOrWhiteSpace(panel["description"]?.GetValue<string>()), $"{title} has no description");
            Assert.False(string.IsNullOrWhiteSpace(panel["fieldConfig"]?["defaults"]?["unit"]?.GetValue<string>()), $"{title} has no unit");
            Assert.NotEmpty(panel["targets"]!.AsArray());
        }
    }

    [Fact]
    public void The_board_has_the_panels_operators_asked_for()
    {
        var exprs = string.Join("\n", _board.PanelQueries.Select(q => q.Expr));
        var units = _board.Panels.Select(p => p["fieldConfig"]!["defaults"]!["unit"]!.GetValue<string>()).ToList();

        foreach (var metric in new[]
                 {
                     "fleet_agent_active", "fleet_agent_drift", "fleet_boot_enable_missing", "flag=\"HB-STALE\"",
                     "fleet_heartbeat_age_seconds", "3 * fleet_heartbeat_interval_seconds", "fleet_agent_last_activity_timestamp_seconds",
                     "fleet_agent_process_resident_memory_bytes", "fleet_agent_process_cpu_seconds_total", "fleet_collector_success", "ALERTS",
                     "sum by (state) (fleet_agent_state", "fleet_agent_state{state=\"waiting\"", "fleet_agent_state_seconds",
                 })
            Assert.Contains(metric, exprs);
        Assert.Contains("bytes", units);
        Assert.Contains("s", units);
        var table = Assert.Single(_board.Panels, p => p["title"]!.GetValue<string>() == "Fleet");
        Assert.Equal("table", table["type"]!.GetValue<string>());
        Assert.Contains(table["transformations"]!.AsArray(), t => t!["id"]!.GetValue<string>() == "merge");
        // Each agent's state is a column of the fleet table.
        Assert.Contains(table["targets"]!.AsArray(), t => t!["expr"]!.GetValue<string>().StartsWith("max by (tenant, host, agent, state) (fleet_agent_state{"));
    }

    [Fact]
    public void Panels_do_not_overlap_on_the_grid()
    {
        var cells = new HashSet<(int, int)>();
        foreach (var panel in _board.Panels)
        {
            var g = panel["gridPos"]!.AsObject();
            int x = Get(g, "x"), y = Get(g, "y"), w = Get(g, "w"), h = Get(g, "h");
            Assert.True(x + w <= 24, $"{panel["title"]} is wider than the grid");
            for (var i = x; i < x + w; i++)
                for (var j = y; j < y + h; j++)
                    Assert.True(cells.Add((i, j)), $"{panel["title"]} overlaps another panel at ({i},{j})");
        }
    }

    private static int Get(JsonObject o, string key) => o[key]!.GetValue<int>();
}
