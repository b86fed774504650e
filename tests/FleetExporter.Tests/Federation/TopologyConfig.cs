using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tests.Stack;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Tests.Federation;

/// <summary>
/// The example configurations of deploy/prometheus/multi-host and deploy/prometheus/agent-mode, with only what a test
/// on 127.0.0.1 must change: targets, the file_sd path, intervals, rule paths, URLs.
/// </summary>
public static class TopologyConfig
{
    private static YamlScalarNode S(string value) => new(value);

    /// <summary>The central Prometheus of multi-host/: its file_sd files are <paramref name="fileSd"/>, its static target the given one.</summary>
    public static string MultiHost(string fileSd, string staticTarget, string staticHost, TimeSpan interval)
    {
        var root = StackConfig.Load("deploy/prometheus/multi-host/prometheus.yml");
        Intervals(root, interval, scrape: true);
        root.Children.Remove(S("alerting"));
        root.Children.Remove(S("rule_files"));
        var job = FleetJob(root);
        var sd = (YamlMappingNode)((YamlSequenceNode)job["file_sd_configs"])[0];
        sd.Children[S("files")] = new YamlSequenceNode(S(fileSd));
        sd.Children[S("refresh_interval")] = StackConfig.Seconds(interval);
        var target = (YamlMappingNode)((YamlSequenceNode)job["static_configs"])[0];
        target.Children[S("targets")] = new YamlSequenceNode(S(staticTarget));
        ((YamlMappingNode)target["labels"]).Children[S("host")] = S(staticHost);
        return StackConfig.Save(root);
    }

    /// <summary>A file_sd file in the shape of multi-host/targets/fleet.yml: (target, host) per entry.</summary>
    public static string FileSd(IEnumerable<(string Target, string Host)> targets)
    {
        var example = (YamlSequenceNode)new Func<YamlNode>(() =>
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(File.ReadAllText(RepoPaths.File("deploy/prometheus/multi-host/targets/fleet.yml"))));
            return yaml.Documents[0].RootNode;
        })();
        Assert.All(example, e => Assert.NotNull(((YamlMappingNode)((YamlMappingNode)e)["labels"])["host"]));
        var list = new YamlSequenceNode(targets.Select(t => (YamlNode)new YamlMappingNode(
            S("targets"), new YamlSequenceNode(S(t.Target)),
            S("labels"), new YamlMappingNode(S("host"), S(t.Host)))));
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(list)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>agent-mode/prometheus-agent.yml for one host: its exporter, its host label, the central store's write URL.</summary>
    public static string Agent(string target, string host, string remoteWriteUrl, TimeSpan interval)
    {
        var root = StackConfig.Load("deploy/prometheus/agent-mode/prometheus-agent.yml");
        Intervals(root, interval, scrape: true, evaluation: false);
        var target0 = (YamlMappingNode)((YamlSequenceNode)FleetJob(root)["static_configs"])[0];
        target0.Children[S("targets")] = new YamlSequenceNode(S(target));
        ((YamlMappingNode)target0["labels"]).Children[S("host")] = S(host);
        var write = (YamlMappingNode)((YamlSequenceNode)root["remote_write"])[0];
        write.Children[S("url")] = S(remoteWriteUrl);
        ((YamlMappingNode)write["queue_config"]).Children[S("batch_send_deadline")] = StackConfig.Seconds(interval);
        return StackConfig.Save(root);
    }

    /// <summary>agent-mode/central.yml: both rule files from the repository, the given Alertmanager.</summary>
    public static string Central(int alertmanagerPort, TimeSpan interval)
    {
        var root = StackConfig.Load("deploy/prometheus/agent-mode/central.yml");
        Intervals(root, interval, scrape: false);
        root.Children[S("rule_files")] = new YamlSequenceNode(
            S(RepoPaths.File(StackConfig.RulesFile)), S(RepoPaths.File("deploy/prometheus/agent-mode/fleet-remote-write-alerts.yml")));
        var manager = (YamlMappingNode)((YamlSequenceNode)root["alerting"]["alertmanagers"])[0];
        ((YamlMappingNode)((YamlSequenceNode)manager["static_configs"])[0]).Children[S("targets")] = new YamlSequenceNode(S($"127.0.0.1:{alertmanagerPort}"));
        return StackConfig.Save(root);
    }

    private static YamlMappingNode FleetJob(YamlMappingNode root) =>
        ((YamlSequenceNode)root["scrape_configs"]).Cast<YamlMappingNode>().Single(j => j["job_name"].ToString() == "fleet");

    private static void Intervals(YamlMappingNode root, TimeSpan interval, bool scrape, bool evaluation = true)
    {
        var global = (YamlMappingNode)root["global"];
        if (scrape) global.Children[S("scrape_interval")] = StackConfig.Seconds(interval);
        if (evaluation) global.Children[S("evaluation_interval")] = StackConfig.Seconds(interval);
    }
}
