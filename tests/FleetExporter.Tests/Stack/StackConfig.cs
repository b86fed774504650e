using FleetExporter.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// The example configurations of deploy/, as the compose stack uses them, with only what a test on 127.0.0.1
/// must change: targets, ports, intervals, the rules path and the receivers' URLs.
/// </summary>
public static class StackConfig
{
    public const string RulesFile = "rules/fleet-alerts.yml";

    public static string Prometheus(int exporterPort, int? alertmanagerPort, TimeSpan interval)
    {
        var root = Load("deploy/prometheus/prometheus.yml");
        var global = (YamlMappingNode)root["global"];
        global.Children[new YamlScalarNode("scrape_interval")] = Seconds(interval);
        global.Children[new YamlScalarNode("evaluation_interval")] = Seconds(interval);
        root.Children[new YamlScalarNode("rule_files")] = new YamlSequenceNode(new YamlScalarNode(RepoPaths.File(RulesFile)));

        if (alertmanagerPort is { } am)
        {
            var manager = (YamlMappingNode)((YamlSequenceNode)root["alerting"]["alertmanagers"])[0];
            var targets = (YamlMappingNode)((YamlSequenceNode)manager["static_configs"])[0];
            targets.Children[new YamlScalarNode("targets")] = new YamlSequenceNode(new YamlScalarNode($"127.0.0.1:{am}"));
        }
        else root.Children.Remove(new YamlScalarNode("alerting"));

        // Only the fleet job has a target here; the rules select it by its name.
        var jobs = (YamlSequenceNode)root["scrape_configs"];
        var fleet = jobs.Cast<YamlMappingNode>().Single(j => j["job_name"].ToString() == "fleet");
        fleet.Children[new YamlScalarNode("static_configs")] = new YamlSequenceNode(new YamlMappingNode(
            new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode($"127.0.0.1:{exporterPort}"))));
        root.Children[new YamlScalarNode("scrape_configs")] = new YamlSequenceNode(fleet);
        return Save(root);
    }

    public static string Alertmanager(int webhookPort, TimeSpan groupWait)
    {
        var root = Load("deploy/alertmanager/alertmanager.yml");
        ((YamlMappingNode)root["route"]).Children[new YamlScalarNode("group_wait")] = Seconds(groupWait);
        // Every receiver's webhook goes to the test's receiver, under the receiver's name, so routing is visible.
        foreach (var receiver in ((YamlSequenceNode)root["receivers"]).Cast<YamlMappingNode>())
        {
            if (!receiver.Children.TryGetValue(new YamlScalarNode("webhook_configs"), out var hooks)) continue;
            foreach (var hook in ((YamlSequenceNode)hooks).Cast<YamlMappingNode>())
                hook.Children[new YamlScalarNode("url")] = new YamlScalarNode($"http://127.0.0.1:{webhookPort}/{receiver["name"]}");
        }
        return Save(root);
    }

    public static TimeSpan GroupWait(string alertmanagerYaml) => Duration(ParseRoot(alertmanagerYaml)["route"]["group_wait"].ToString());

    /// <summary>The <c>for:</c> of an alert in the real rules file.</summary>
    public static TimeSpan For(string alert)
    {
        var rule = AlertRuleTests.Alerts().Single(r => AlertRuleTests.Scalar(r, "alert") == alert);
        return Duration(AlertRuleTests.Scalar(rule, "for"));
    }

    public static TimeSpan Duration(string text)
    {
        Assert.True(FleetExporter.Roster.Durations.TryParse(text, out var value), $"not a duration: {text}");
        return value;
    }

    internal static YamlScalarNode Seconds(TimeSpan t) => new($"{(int)t.TotalSeconds}s");

    internal static YamlMappingNode Load(string relative) => ParseRoot(File.ReadAllText(RepoPaths.File(relative)));

    private static YamlMappingNode ParseRoot(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    internal static string Save(YamlMappingNode root)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
