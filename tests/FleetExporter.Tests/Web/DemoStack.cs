using System.Text.RegularExpressions;
using FleetExporter.Tests.Federation;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>
/// A live demo fleet for the browser tests (the real <c>demo</c>: six agents on a private tmux server, one per
/// interesting state), started once per test class and waited for until every agent shows its documented state.
/// <see cref="FleetAsync"/> adds, on first use, a real Prometheus scraping it every second and a real
/// <c>serve --prometheus.url</c> whose <c>/fleet</c> reads that Prometheus.
/// </summary>
public sealed class DemoStack : IAsyncLifetime
{
    public static readonly string[] Agents = ["healthy", "idle", "asker", "drifted", "stale", "no-boot"];

    private ServeProcess? _demo;
    private PrometheusServer? _prometheus;
    private ServeProcess? _fleet;
    private readonly TempDirectory _dir = new();

    public ServeProcess Demo => _demo!;

    public async Task InitializeAsync()
    {
        _demo = await ServeProcess.StartAsync("demo", []);
        var metrics = "";
        var settled = await TmuxServer.EventuallyAsync(async () =>
        {
            metrics = await _demo.GetAsync("/metrics");
            return DemoMetrics.Flags(metrics, "drifted").Contains("DRIFT") && DemoMetrics.Flags(metrics, "stale").Contains("HB-STALE")
                   && DemoMetrics.State(metrics, "healthy") == "working" && DemoMetrics.State(metrics, "idle") == "idle" && DemoMetrics.State(metrics, "asker") == "waiting";
        }, TimeSpan.FromSeconds(60));
        Assert.True(settled, "the demo fleet never reached its documented states:\n" + metrics + _demo.Output);
    }

    /// <summary>serve's <c>/fleet</c> over a Prometheus that scrapes the demo, once every demo agent is a row there.</summary>
    public async Task<ServeProcess> FleetAsync()
    {
        if (_fleet is not null) return _fleet;
        var host = DemoMetrics.Host(await Demo.GetAsync("/metrics"));
        var fileSd = _dir.Write("targets/none.yml", TopologyConfig.FileSd([]));
        _prometheus = await PrometheusServer.StartAsync(TopologyConfig.MultiHost(fileSd, $"127.0.0.1:{Demo.Port}", host, TimeSpan.FromSeconds(1)));
        _fleet = await ServeProcess.StartAsync("serve", ["--roster", _dir.File("none.yaml"), "--prometheus.url", _prometheus.Url]);
        var html = await PsRun.UntilAsync(() => _fleet.GetAsync("/fleet?refresh=0"),
            h => Agents.All(a => h.Contains($"<td>{host}</td><td>{a}</td>")), TimeSpan.FromSeconds(60));
        Assert.True(Agents.All(a => html.Contains($"<td>{host}</td><td>{a}</td>")), "/fleet never showed every demo agent:\n" + html);
        return _fleet;
    }

    public async Task DisposeAsync()
    {
        if (_fleet is not null) await _fleet.DisposeAsync();
        if (_prometheus is not null) await _prometheus.DisposeAsync();
        if (_demo is not null) await _demo.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>The demo's own account of each agent, from its /metrics, to compare the pages with.</summary>
public static class DemoMetrics
{
    public static string Host(string metrics) => Regex.Match(metrics, "^fleet_roster_agents\\{host=\"([^\"]*)\"\\}", RegexOptions.Multiline).Groups[1].Value;

    /// <summary>The state whose fleet_agent_state series is 1, or null when none is.</summary>
    public static string? State(string metrics, string agent) =>
        Regex.Match(metrics, $"^fleet_agent_state\\{{tenant=\"demo\",host=\"[^\"]*\",agent=\"{agent}\",state=\"(\\w+)\"\\}} 1$", RegexOptions.Multiline)
            is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The flags raised (series at 1), in name order.</summary>
    public static IReadOnlyList<string> Flags(string metrics, string agent) =>
        [.. Regex.Matches(metrics, $"^fleet_agent_flag\\{{tenant=\"demo\",host=\"[^\"]*\",agent=\"{agent}\",flag=\"([^\"]+)\"\\}} 1$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];
}
