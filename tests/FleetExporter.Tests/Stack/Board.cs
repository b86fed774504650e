using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>The fleet board as Grafana reads it, and its queries as Grafana would send them.</summary>
public sealed class Board
{
    public const string RelativePath = "grafana/dashboards/fleet.json";

    public JsonObject Json { get; }

    public Board(string text) => Json = JsonNode.Parse(text)!.AsObject();

    public static Board Load() => new(File.ReadAllText(RepoPaths.File(RelativePath)));

    public IEnumerable<JsonObject> Panels => Json["panels"]!.AsArray().Select(p => p!.AsObject())
        .SelectMany(p => p["type"]?.GetValue<string>() == "row" && p["panels"] is JsonArray inner ? inner.Select(i => i!.AsObject()) : [p]);

    public IEnumerable<JsonObject> Variables => Json["templating"]!["list"]!.AsArray().Select(v => v!.AsObject());

    /// <summary>Each panel's PromQL, labelled "panel title / refId".</summary>
    public IEnumerable<(string Where, string Expr)> PanelQueries =>
        Panels.SelectMany(p => p["targets"]!.AsArray().Select(t => (
            $"{p["title"]} / {t!["refId"]}", t["expr"]!.GetValue<string>())));

    /// <summary>label_values(SELECTOR, LABEL) of each query variable.</summary>
    public IEnumerable<(string Variable, string Selector, string Label)> VariableQueries =>
        Variables.Where(v => v["type"]!.GetValue<string>() == "query").Select(v =>
        {
            var m = Regex.Match(v["definition"]!.GetValue<string>(), @"^label_values\((.+),\s*(\w+)\)$");
            Assert.True(m.Success, $"variable {v["name"]}: not label_values(SELECTOR, LABEL)");
            return (v["name"]!.GetValue<string>(), m.Groups[1].Value, m.Groups[2].Value);
        });

    /// <summary>
    /// Substitutes what Grafana substitutes before a query reaches Prometheus: each multi-value variable set to All
    /// (its allValue, ".*"), the interval macros with values that suit a 1 s scrape interval.
    /// </summary>
    public string Interpolate(string expr)
    {
        foreach (var v in Variables.Where(v => v["type"]!.GetValue<string>() == "query"))
            expr = expr.Replace("$" + v["name"]!.GetValue<string>(), v["allValue"]!.GetValue<string>());
        return expr.Replace("$__rate_interval", "30s").Replace("$__interval", "5s").Replace("$__range", "5m");
    }
}
