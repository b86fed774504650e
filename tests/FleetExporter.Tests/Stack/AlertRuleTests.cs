using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Tests.Stack;

public sealed class AlertRuleTests
{
    private const string RulesFile = "rules/fleet-alerts.yml";
    private const string RunbookBase = "https://github.com/fleet-exporter/fleet-exporter/blob/main/docs/runbooks.md#";

    [Fact(Timeout = 60_000)]
    public async Task The_promtool_unit_tests_of_the_rules_pass()
    {
        var tests = Directory.GetFiles(RepoPaths.File("rules/tests"), "*.test.yml").Select(f => Path.GetRelativePath(RepoPaths.Root, f)).Order().ToArray();
        Assert.NotEmpty(tests);

        var result = await Tool.RunAsync("promtool", ["test", "rules", .. tests]);

        Assert.True(result.ExitCode == 0, Tool.Describe(result));
        Assert.Equal(tests.Length, Regex.Matches(result.StandardOutput + result.StandardError, @"\bSUCCESS\b").Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_rules_pass_promtool_check_with_every_lint()
    {
        var result = await Tool.RunAsync("promtool", "check", "rules", "--lint=all", "--lint-fatal", RulesFile);

        Assert.True(result.ExitCode == 0, Tool.Describe(result));
    }

    [Fact]
    public void Every_alert_has_a_prefixed_name_a_severity_annotations_and_a_runbook_section()
    {
        var runbook = File.ReadAllText(RepoPaths.File("docs/runbooks.md"));
        var sections = Regex.Matches(runbook, @"^## (\S+)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet();
        var alerts = Alerts();
        Assert.True(alerts.Count >= 10, $"only {alerts.Count} alerts");

        foreach (var rule in alerts)
        {
            var name = Scalar(rule, "alert");
            Assert.Matches("^Fleet[A-Z][A-Za-z]+$", name);
            Assert.Contains(Scalar(rule, "labels", "severity"), new[] { "critical", "warning", "notify", "info" });
            Assert.False(string.IsNullOrWhiteSpace(Scalar(rule, "annotations", "summary")), name);
            var description = Scalar(rule, "annotations", "description");
            var agentLevel = Scalar(rule, "expr").Contains("fleet_agent") || Scalar(rule, "expr").Contains("fleet_heartbeat") || Scalar(rule, "expr").Contains("fleet_boot");
            // A host-wide alert built from agent series has no agent label: it names the tenant and host instead; a
            // tenant-wide one (summed by tenant over every host) names the tenant.
            var labels = Scalar(rule, "expr").StartsWith("sum by (tenant) (", StringComparison.Ordinal) ? new[] { "tenant" }
                : IsHostWide(rule) ? new[] { "tenant", "host" } : new[] { "agent", "tenant", "host" };
            if (agentLevel)
                foreach (var label in labels)
                    Assert.True(description.Contains($"$labels.{label}"), $"{name}: the description does not name the {label}");
            var runbookUrl = Scalar(rule, "annotations", "runbook_url");
            Assert.Equal(RunbookBase + name.ToLowerInvariant(), runbookUrl);
            Assert.True(sections.Contains(name.ToLowerInvariant()), $"docs/runbooks.md has no section \"## {name}\"");
        }
    }

    [Fact]
    public void The_issue_s_alerts_exist_with_their_severities()
    {
        var severities = Alerts().ToDictionary(r => Scalar(r, "alert"), r => Scalar(r, "labels", "severity"));

        Assert.Equal("critical", severities["FleetHeartbeatStale"]);
        Assert.Equal("warning", severities["FleetBootEnableMissing"]);
        Assert.Equal("critical", severities["FleetExporterDown"]);
        Assert.Equal("critical", severities["FleetExporterAbsent"]);
        Assert.Equal("notify", severities["FleetAgentWaitingForHuman"]);
        foreach (var name in new[] { "FleetHeartbeatMissing", "FleetHeartbeatInvalid", "FleetAgentDown", "FleetAgentDrift", "FleetAgentSessionMissing", "FleetAgentPaneDead", "FleetCollectorFailing" })
            Assert.True(severities.ContainsKey(name), $"no alert {name}");
    }

    [Fact]
    public void Every_alert_is_exercised_by_a_promtool_test_that_expects_it_to_fire()
    {
        var tests = string.Join("\n", Directory.GetFiles(RepoPaths.File("rules/tests"), "*.test.yml").Select(File.ReadAllText));
        foreach (var name in Alerts().Select(r => Scalar(r, "alert")))
            Assert.Matches(new Regex($@"alertname: {name}\s*\n\s*exp_alerts:\s*\n\s*- exp_labels:"), tests);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_example_prometheus_and_alertmanager_configurations_are_valid()
    {
        var prometheus = await Tool.RunAsync("promtool", "check", "config", "deploy/prometheus/prometheus.yml");
        var alertmanager = await Tool.RunAsync("amtool", "check-config", "deploy/alertmanager/alertmanager.yml");

        Assert.True(prometheus.ExitCode == 0, Tool.Describe(prometheus));
        Assert.Contains("1 rule files found", prometheus.StandardOutput + prometheus.StandardError);
        Assert.True(alertmanager.ExitCode == 0, Tool.Describe(alertmanager));
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_severity_of_the_rules_reaches_its_own_receiver_and_notify_only_in_working_hours()
    {
        const string file = "deploy/alertmanager/alertmanager.yml";
        var expected = new Dictionary<string, string> { ["critical"] = "page", ["warning"] = "ticket", ["notify"] = "notify", ["info"] = "board-only" };
        foreach (var severity in Alerts().Select(r => Scalar(r, "labels", "severity")).Distinct())
        {
            var result = await Tool.RunAsync("amtool", "config", "routes", "test", $"--config.file={file}",
                "alertname=FleetTest", $"severity={severity}", "tenant=acme", "host=build-01", "agent=a");
            Assert.True(result.ExitCode == 0, Tool.Describe(result));
            Assert.Equal(expected[severity], result.StandardOutput.Trim());
        }

        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.File(file))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var notify = ((YamlSequenceNode)root["route"]["routes"]).Cast<YamlMappingNode>().Single(r => r["receiver"].ToString() == "notify");
        var active = Assert.Single((YamlSequenceNode)notify["active_time_intervals"]).ToString();
        Assert.Contains(((YamlSequenceNode)root["time_intervals"]).Cast<YamlMappingNode>(), t => t["name"].ToString() == active);
        // A page about an agent inhibits that agent's ticket and chat message.
        var inhibit = ((YamlSequenceNode)root["inhibit_rules"]).Cast<YamlMappingNode>()
            .Single(r => ((YamlSequenceNode)r["source_matchers"]).Single().ToString() == "severity=\"critical\"");
        Assert.Equal("severity=~\"warning|notify\"", Assert.Single((YamlSequenceNode)inhibit["target_matchers"]).ToString());
        Assert.Equal(["tenant", "host", "agent"], ((YamlSequenceNode)inhibit["equal"]).Select(n => n.ToString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Host_wide_alerts_page_grouped_by_host_and_hold_back_that_hosts_agent_alerts()
    {
        const string file = "deploy/alertmanager/alertmanager.yml";
        var hostWide = Alerts().Where(IsHostWide).Select(r => Scalar(r, "alert")).Order().ToList();
        Assert.Equal(["FleetExporterDown", "FleetTmuxServerDown"], hostWide);
        foreach (var name in hostWide)
        {
            var route = await Tool.RunAsync("amtool", "config", "routes", "test", $"--config.file={file}", "--verify.receivers=page",
                $"alertname={name}", "severity=critical", "scope=host", "tenant=acme", "host=build-01", "instance=build-01:8497");
            Assert.True(route.ExitCode == 0, Tool.Describe(route));
        }

        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.File(file))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var hostRoute = ((YamlSequenceNode)root["route"]["routes"]).Cast<YamlMappingNode>().First();
        Assert.Equal("scope=\"host\"", ((YamlSequenceNode)hostRoute["matchers"]).Single().ToString());
        Assert.DoesNotContain("agent", ((YamlSequenceNode)hostRoute["group_by"]).Select(n => n.ToString()));
        var rules = ((YamlSequenceNode)root["inhibit_rules"]).Cast<YamlMappingNode>()
            .ToDictionary(r => ((YamlSequenceNode)r["source_matchers"]).Single().ToString(), r => string.Join(",", ((YamlSequenceNode)r["equal"]).Select(n => n.ToString())));
        Assert.Equal("tenant,host", rules["alertname=\"FleetTmuxServerDown\""]);
        Assert.Equal("instance", rules["alertname=\"FleetExporterDown\""]);
    }

    internal static bool IsHostWide(YamlMappingNode rule) =>
        rule["labels"] is YamlMappingNode labels && labels.Children.TryGetValue(new YamlScalarNode("scope"), out var scope) && scope.ToString() == "host";

    /// <summary>The alerting rules of the rules file, or of its group <paramref name="group"/>.</summary>
    internal static IReadOnlyList<YamlMappingNode> Alerts(string? group = null)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.File(RulesFile))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>()
            .Where(g => group is null || g["name"].ToString() == group)
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .Where(r => r.Children.ContainsKey("alert"))
            .ToList();
    }

    internal static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            var map = (YamlMappingNode)current;
            Assert.True(map.Children.ContainsKey(key), $"missing {string.Join('.', path)}");
            current = map[key];
        }
        return ((YamlScalarNode)current).Value ?? "";
    }
}
