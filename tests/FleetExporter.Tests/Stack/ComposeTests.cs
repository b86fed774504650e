using FleetExporter.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Tests.Stack;

public sealed class ComposeTests
{
    [Fact(Timeout = 60_000)]
    public async Task Docker_compose_accepts_the_stack()
    {
        var result = await Tool.RunAsync("docker-compose", "-f", "docker-compose.yml", "config", "-q");

        Assert.True(result.ExitCode == 0, Tool.Describe(result));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_stack_runs_prometheus_alertmanager_and_grafana_on_the_repository_s_files()
    {
        var result = await Tool.RunAsync("docker-compose", "-f", "docker-compose.yml", "config");
        Assert.True(result.ExitCode == 0, Tool.Describe(result));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(result.StandardOutput));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];

        Assert.Equal(["alertmanager", "grafana", "prometheus"], services.Children.Keys.Select(k => k.ToString()).Order());
        var mounted = services.Children.Values.Cast<YamlMappingNode>()
            .SelectMany(s => s.Children.TryGetValue("volumes", out var v) ? ((YamlSequenceNode)v).Select(m => m.ToString()) : [])
            .Where(v => v.StartsWith('/'))   // bind mounts, resolved to absolute paths by `config`
            .Select(v => Path.GetRelativePath(RepoPaths.Root, v.Split(':')[0]))
            .ToHashSet();
        foreach (var path in new[] { "deploy/prometheus", "rules", "deploy/alertmanager/alertmanager.yml", "grafana/provisioning", "grafana/dashboards" })
        {
            Assert.Contains(path, mounted);
            Assert.True(File.Exists(RepoPaths.File(path)) || Directory.Exists(RepoPaths.File(path)), $"{path} is mounted but does not exist");
        }
        var prometheus = (YamlMappingNode)services["prometheus"];
        Assert.Contains("host.docker.internal:host-gateway", ((YamlSequenceNode)prometheus["extra_hosts"]).Select(h => h.ToString()));
    }

    [Fact]
    public void Grafana_is_provisioned_with_the_datasource_and_the_board_folder()
    {
        var datasource = File.ReadAllText(RepoPaths.File("grafana/provisioning/datasources/prometheus.yml"));
        var provider = File.ReadAllText(RepoPaths.File("grafana/provisioning/dashboards/fleet.yml"));
        var compose = File.ReadAllText(RepoPaths.File("docker-compose.yml"));

        Assert.Contains("url: http://prometheus:9090", datasource);
        Assert.Contains("path: /var/lib/grafana/dashboards", provider);
        Assert.Contains("./grafana/dashboards:/var/lib/grafana/dashboards", compose);
    }
}
