using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Web;

/// <summary>
/// A real Prometheus scrapes the real `fleet-exporter serve` over a real tmux server and real systemd user units,
/// one agent per state; PromQL over the four required metrics must return each agent's expected value.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[Collection(SystemdCollection.Name)]
public sealed class PrometheusScrapeTests(SystemdUserManager systemd, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private readonly List<HeartbeatLoop> _beats = [];
    private string Template => $"{systemd.Prefix}-scrape@.service";
    private string Unit(string agent) => $"{systemd.Prefix}-scrape@{agent}.service";

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact(Timeout = 180_000)]
    public async Task Prometheus_sees_each_agent_state_in_the_four_required_metrics()
    {
        systemd.Require();
        // Each instance runs the script with its name: the runtime (sleep) for most, a bare shell for "drifted".
        var agentScript = _dir.Write("agent.sh", "#!/bin/bash\nif [ \"$1\" = drifted ]; then exec bash --norc -i; fi\nexec sleep 100000\n");
        await systemd.WriteAgentTemplateAsync(Template, _tmux.SocketName, $"bash {agentScript} %i");
        foreach (var agent in new[] { "healthy", "drifted", "stale" }) await systemd.MustAsync("enable", "--now", Unit(agent));
        await systemd.MustAsync("start", Unit("no-boot"));
        var linger = Directory.CreateDirectory(_dir.File("linger")).FullName;
        File.WriteAllText(Path.Combine(linger, Environment.UserName), "");
        var hb = Directory.CreateDirectory(_dir.File("hb")).FullName;
        var roster = _dir.Write("roster.yaml", $$"""
            tenant: t1
            host: scrape-host
            heartbeat: { dir: {{hb}}, interval: 2s }
            systemd: { unit_template: "{{systemd.Prefix}}-scrape@{name}.service", linger_dir: {{linger}} }
            tmux: { socket_name: {{_tmux.SocketName}} }
            runtimes:
              sleeper: { commands: [sleep] }
            agents:
              - { name: healthy, runtime: sleeper }
              - { name: drifted, runtime: sleeper }
              - { name: stale, runtime: sleeper }
              - { name: no-boot, runtime: sleeper }
              - { name: down, runtime: sleeper }
            """);
        // "stale" last beat a minute ago (10 x its 6 s threshold); the others beat now, through the heartbeat
        // command, and keep beating every second from threads of their own (a cold command can take seconds).
        await File.WriteAllTextAsync(Path.Combine(hb, "stale.hb"), $$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60}}}""");
        string[] beating = ["healthy", "drifted", "no-boot", "down"];
        foreach (var beat in await Task.WhenAll(beating.Select(agent => InProcessCli.RunOrSpawnAsync(["heartbeat", agent, "--roster", roster]))))
            Assert.True(beat.ExitCode == 0, $"heartbeat exited {beat.ExitCode}: {beat.StandardError}");
        _beats.AddRange(beating.Select(agent => new HeartbeatLoop(Path.Combine(hb, agent + ".hb"), TimeSpan.FromSeconds(2))));

        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", roster]);
        await using var prometheus = await PrometheusServer.StartAsync($"""
            global: {"{"} scrape_interval: 1s, scrape_timeout: 1s {"}"}
            scrape_configs:
              - job_name: fleet
                static_configs: [{"{"} targets: ["127.0.0.1:{serve.Port}"] {"}"}]
            """);

        var up = await prometheus.WaitForAsync("up{job=\"fleet\"}", r => r.Count == 1 && r[0].Value == 1, TimeSpan.FromSeconds(30));
        Assert.True(up.Count == 1 && up[0].Value == 1, "Prometheus never saw the exporter up");

        async Task<Dictionary<string, double>> ByAgent(string promql)
        {
            var result = await prometheus.WaitForAsync(promql, r => r.Count == 5, TimeSpan.FromSeconds(30));
            output.WriteLine($"{promql}: {string.Join(", ", result.Select(s => $"{s.Labels["agent"]}={s.Value}"))}");
            return result.ToDictionary(s => s.Labels["agent"], s => s.Value);
        }

        var active = await ByAgent("fleet_agent_active{tenant=\"t1\",host=\"scrape-host\"}");
        Assert.Equal(new Dictionary<string, double> { ["healthy"] = 1, ["drifted"] = 1, ["stale"] = 1, ["no-boot"] = 1, ["down"] = 0 }, active);

        var drift = await ByAgent("fleet_agent_drift{tenant=\"t1\"}");
        Assert.Equal(new Dictionary<string, double> { ["healthy"] = 0, ["drifted"] = 1, ["stale"] = 0, ["no-boot"] = 0, ["down"] = 0 }, drift);

        var boot = await ByAgent("fleet_boot_enable_missing{tenant=\"t1\"}");
        Assert.Equal(new Dictionary<string, double> { ["healthy"] = 0, ["drifted"] = 0, ["stale"] = 0, ["no-boot"] = 1, ["down"] = 0 }, boot);

        var stale = await ByAgent("fleet_heartbeat_age_seconds{tenant=\"t1\"} > bool 3 * fleet_heartbeat_interval_seconds{tenant=\"t1\"}");
        Assert.Equal(new Dictionary<string, double> { ["healthy"] = 0, ["drifted"] = 0, ["stale"] = 1, ["no-boot"] = 0, ["down"] = 0 }, stale);
        var ages = await ByAgent("fleet_heartbeat_age_seconds{tenant=\"t1\"}");
        Assert.InRange(ages["stale"], 59, 120);
        Assert.InRange(ages["healthy"], 0, 6);
    }

    public async Task DisposeAsync()
    {
        foreach (var beat in _beats) await beat.DisposeAsync();
        foreach (var agent in new[] { "healthy", "drifted", "stale", "no-boot" })
            await systemd.SystemctlAsync("disable", "--now", Unit(agent));
        await _tmux.DisposeAsync();
        _dir.Dispose();
    }
}
