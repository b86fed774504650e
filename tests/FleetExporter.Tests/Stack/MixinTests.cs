using System.Text.Json;
using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// The shipped rules and board are mixin/'s output (scripts/mixin): the real jsonnet regenerates them byte for byte,
/// and a user's _config overrides reach every expression, duration, severity and link.
/// </summary>
public sealed class MixinTests
{
    private const string Overrides = """
        (import "mixin/mixin.libsonnet") + { _config+:: {
          fleetSelector: 'cluster="prod"',
          exporterSelector: 'job="agents"',
          lookback: '5m',
          heartbeatStaleIntervals: 4,
          alerts+: { FleetAgentDrift+: { 'for': '20m', severity: 'critical' } },
          disabledAlerts: ['FleetAgentRestarting'],
          runbookURLBase: 'https://wiki.example/fleet#',
          dashboardUid: 'prod-fleet',
        } }
        """;

    [Theory(Timeout = 60_000)]
    [InlineData("mixin/build/rules.jsonnet", "rules/fleet-alerts.yml")]
    [InlineData("mixin/build/dashboard.jsonnet", "grafana/dashboards/fleet.json")]
    public async Task The_committed_file_is_the_mixins_output_byte_for_byte(string build, string committed)
    {
        var result = await JsonnetAsync(build);

        Assert.True(result.ExitCode == 0, Tool.Describe(result));
        Assert.True(File.ReadAllText(RepoPaths.File(committed)) == result.StandardOutput,
            $"{committed} is not the output of {build}: run scripts/mixin and commit the result");
    }

    [Fact(Timeout = 60_000)]
    public async Task Overridden_config_reaches_every_rule_and_passes_promtool()
    {
        var result = await JsonnetAsync("mixin/build/rules.jsonnet", "--tla-code", $"mixin={Overrides}");
        Assert.True(result.ExitCode == 0, Tool.Describe(result));
        using var temp = new TempDirectory();
        var path = temp.Write("rules.yml", result.StandardOutput);

        var check = await Tool.RunAsync("promtool", "check", "rules", "--lint=all", "--lint-fatal", path);
        Assert.True(check.ExitCode == 0, Tool.Describe(check));

        var rules = Rules(result.StandardOutput);
        Assert.DoesNotContain("FleetAgentRestarting", rules.Keys);
        Assert.Equal(20, rules.Count);
        foreach (var (name, rule) in rules)
        {
            Assert.StartsWith("https://wiki.example/fleet#" + name.ToLowerInvariant(), rule.Runbook);
            AssertEveryFleetSeriesSelected(rule.Expr, name);
            Assert.DoesNotContain("[3m]", rule.Expr);
        }
        Assert.Equal(("20m", "critical"), (rules["FleetAgentDrift"].For, rules["FleetAgentDrift"].Severity));
        Assert.Contains("for 20 minutes", rules["FleetAgentDrift"].Description);
        Assert.Contains("up{job=\"agents\"} == 0", rules["FleetExporterDown"].Expr);
        Assert.Contains("> 4 * last_over_time(fleet_heartbeat_interval_seconds{cluster=\"prod\"}[5m])", rules["FleetHeartbeatStale"].Expr);
        Assert.Contains("more than 4 times", rules["FleetHeartbeatStale"].Description);
    }

    [Fact(Timeout = 60_000)]
    public async Task Overridden_config_reaches_every_query_of_the_board()
    {
        var result = await JsonnetAsync("mixin/build/dashboard.jsonnet", "--tla-code", $"mixin={Overrides}");
        Assert.True(result.ExitCode == 0, Tool.Describe(result));
        using var board = JsonDocument.Parse(result.StandardOutput);

        Assert.Equal("prod-fleet", board.RootElement.GetProperty("uid").GetString());
        var exprs = board.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        var variables = board.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query").Select(v => v.GetProperty("definition").GetString()!).ToList();
        Assert.True(exprs.Count >= 30, $"only {exprs.Count} queries");
        Assert.Equal(3, variables.Count);
        foreach (var expr in exprs.Concat(variables)) AssertEveryFleetSeriesSelected(expr, expr);
        Assert.Contains(exprs, e => e.Contains("up{job=\"agents\"}"));
        Assert.Contains("description", result.StandardOutput);
        Assert.DoesNotContain(exprs, e => e.Contains("job=\"fleet\""));
    }

    // Every fleet_* series carries the user's selector beside its own matchers.
    private static void AssertEveryFleetSeriesSelected(string expr, string where)
    {
        var series = Regex.Matches(expr, @"\bfleet_[a-z_]+(\{[^}]*\})?").ToList();
        foreach (var m in series)
            Assert.True(m.Groups[1].Value.Contains("cluster=\"prod\""), $"{where}: {m.Value} lacks the configured fleetSelector in {expr}");
    }

    private sealed record Rule(string Expr, string For, string Severity, string Description, string Runbook);

    private static Dictionary<string, Rule> Rules(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string S(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
        return ((YamlSequenceNode)root["groups"])
            .SelectMany(g => (YamlSequenceNode)((YamlMappingNode)g)["rules"]).Cast<YamlMappingNode>()
            .ToDictionary(r => S(r, "alert"), r => new Rule(S(r, "expr"), S(r, "for"), S((YamlMappingNode)r["labels"], "severity"),
                S((YamlMappingNode)r["annotations"], "description"), S((YamlMappingNode)r["annotations"], "runbook_url")));
    }

    // The rules are YAML text (-S: the string as it is); the board is the JSON that jsonnet prints.
    private static Task<FleetExporter.Subprocess.ProcessOutput> JsonnetAsync(string build, params string[] args) =>
        Tool.RunAsync("jsonnet", [.. build.EndsWith("rules.jsonnet", StringComparison.Ordinal) ? ["-S"] : Array.Empty<string>(), build, .. args]);
}
