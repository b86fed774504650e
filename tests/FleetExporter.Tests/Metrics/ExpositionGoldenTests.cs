using System.Text;
using System.Text.RegularExpressions;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Journal;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;
using FleetExporter.Sources.Usage;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Metrics;

/// <summary>
/// The exposition of a fixed fleet, compared with a golden file (build revision and durations masked).
/// Regenerate after an intended change with FLEET_UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public sealed class ExpositionGoldenTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static string GoldenFile => RepoPaths.Of("tests", "FleetExporter.Tests", "Metrics", "golden", "metrics.txt");

    internal static FleetSnapshot FixedFleet()
    {
        var roster = RosterLoader.Parse("""
            tenant: acme
            host: golden-host
            heartbeat: { dir: /nonexistent/hb, interval: 30s }
            prices:
              - { model: "gpt-5*", input: 1.25, output: 10, cache_read: 0.125 }
            budgets: { usd_per_day: 20, tenants: { acme: 200, beta: 50 } }
            agents:
              - { name: healthy, runtime: claude, budget_usd_per_day: 35.5 }
              - { name: drifted, runtime: codex, tenant: beta }
              - { name: down, runtime: pi }
              - { name: dead-pane, runtime: claude, heartbeat_interval: 10s }
            """, "golden.yaml");
        AgentSpec A(string name) => roster.FindAgent(name)!;
        UnitFacts Unit(string name, string active, string fileState, long restarts) =>
            new($"fleet-agent@{name}.service", "loaded", active, active == "active" ? "exited" : "dead", fileState, Now, null, restarts);
        TmuxPane Pane(string name, bool dead = false) => new(name, "%1", 4242, "node", dead, dead ? 1 : null, Now.AddSeconds(-90), "/dev/pts/3", 200, 50);
        HeartbeatReading Beat(string name, double ageSeconds, double interval) =>
            new(HeartbeatState.Ok, $"/hb/{name}.hb", null, Now.AddSeconds(-ageSeconds), TimeSpan.FromSeconds(ageSeconds), TimeSpan.FromSeconds(interval), 7, 4243, "working");
        var runtime = new PaneProcesses(new RuntimeProcess(4243, "claude", 256 * 1024 * 1024, 12.5, Now.AddHours(-1)), ["bash", "claude"]);

        AgentStatus Status(AgentSpec spec, UnitFacts? unit, TmuxPane? pane, PaneProcesses? procs, HeartbeatReading hb) =>
            new(spec, roster.Host, unit, true, pane is not null, pane, procs, hb, pane is null ? null : TimeSpan.FromSeconds(90),
                AgentFlags.Classify(unit, SystemdScope.User, true, true, pane, procs, hb));

        var agents = new[]
        {
            Status(A("healthy"), Unit("healthy", "active", "enabled", 0), Pane("healthy"), runtime, Beat("healthy", 5, 30))
                with
                {
                    State = new AgentState(AgentStateName.Waiting, Now.AddSeconds(-42), StateSource.Hook, "hook PermissionRequest"),
                    Usage = new UsageReading(UsageTotals.Empty
                        .Add(new ModelResponse("msg_1", "claude-opus-4-5-20251101", 1200, 340, 0, 5000))
                        .Add(new ModelResponse("msg_2", "claude-opus-4-5-20251101", 15, 80, 6200, 0))
                        with { Turns = 3, ApiErrors = 1, ToolCalls = new Dictionary<string, long> { ["succeeded"] = 5, ["failed"] = 1 } }, null),
                },
            Status(A("drifted"), Unit("drifted", "active", "disabled", 2), Pane("drifted"), new PaneProcesses(null, ["bash"]), Beat("drifted", 200, 30))
                with
                {
                    State = new AgentState(AgentStateName.Stopped, null, StateSource.Pane, "the runtime is not in the pane (bash)"),
                    Usage = new UsageReading(UsageTotals.Empty.Add(new ModelResponse(null, "gpt-5-codex", 228, 22, 44, 0, 8) { Context = 154, ContextWindow = 258_400 })
                        with { RateLimits = [new("primary", 12.5, 300, Now.AddHours(2)), new("secondary", 40, 10080, Now.AddDays(3)), new("spent", 1, 1, Now.AddHours(-1))] }, null),
                },
            Status(A("down"), Unit("down", "failed", "enabled", 5), null, null,
                new HeartbeatReading(HeartbeatState.Missing, "/hb/down.hb", "no heartbeat file", null, null, TimeSpan.FromSeconds(30), null, null, null)),
            Status(A("dead-pane"), Unit("dead-pane", "active", "enabled", 0), Pane("dead-pane", dead: true), null,
                new HeartbeatReading(HeartbeatState.Invalid, "/hb/dead-pane.hb", "not JSON", null, null, TimeSpan.FromSeconds(10), null, null, null)),
        };
        var sources = new[]
        {
            new SourceHealth("systemd", true, null, TimeSpan.FromMilliseconds(12)) { Method = SystemdBusSource.MethodDbus, Methods = SystemdSource.Methods },
            new SourceHealth("tmux", true, null, TimeSpan.FromMilliseconds(8)),
            new SourceHealth("processes", true, null, TimeSpan.FromMilliseconds(3)),
            new SourceHealth("heartbeat", true, null, TimeSpan.FromMilliseconds(1)),
            new SourceHealth("usage", true, null, TimeSpan.FromMilliseconds(1)),
        };
        var sends = new SendCounts(new Dictionary<string, IReadOnlyDictionary<string, long>>
        {
            ["healthy"] = new Dictionary<string, long> { ["acknowledged"] = 3, ["not_ready"] = 1 },
        });
        return new FleetSnapshot(Now, roster, agents, sources, TimeSpan.FromMilliseconds(15)) { Sends = sends };
    }

    internal static async Task<string> ExposeAsync(FleetMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.WriteAsync(stream, Prometheus.ExpositionFormat.PrometheusText);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Mask(string exposition)
    {
        exposition = Regex.Replace(exposition, @"(fleet_exporter_build_info\{version=)""[^""]*"",revision=""[^""]*""", "$1\"MASKED\",revision=\"MASKED\"");
        exposition = Regex.Replace(exposition, @"^(fleet_collector_duration_seconds\{[^}]*\}) .*$", "$1 MASKED", RegexOptions.Multiline);
        // The exporter's own process: present, with values of this test run.
        return Regex.Replace(exposition, @"^(process_[a-z_]+) .*$", "$1 MASKED", RegexOptions.Multiline);
    }

    [Fact]
    public async Task The_exposition_of_a_fixed_fleet_matches_the_golden_file()
    {
        var metrics = new FleetMetrics();
        metrics.Publish(FixedFleet());

        var actual = Mask(await ExposeAsync(metrics));

        if (Environment.GetEnvironmentVariable("FLEET_UPDATE_GOLDEN") == "1")
            await File.WriteAllTextAsync(GoldenFile, actual);
        Assert.True(File.Exists(GoldenFile), $"no golden file at {GoldenFile}: run with FLEET_UPDATE_GOLDEN=1 once and review it");
        Assert.Equal(await File.ReadAllTextAsync(GoldenFile), actual);
    }

    /// <summary>A partial count after a restart would read as a counter reset, and the journal's history as new sends.</summary>
    [Fact]
    public async Task No_send_counter_is_exported_while_the_journal_is_still_being_read_from_its_start()
    {
        var fleet = FixedFleet();
        var metrics = new FleetMetrics();
        metrics.Publish(fleet with { Sends = fleet.Sends! with { CatchingUp = true } });
        var catchingUp = await ExposeAsync(metrics);
        metrics.Publish(fleet);
        var caughtUp = await ExposeAsync(metrics);

        Assert.DoesNotContain("fleet_agent_sends_total{", catchingUp);
        Assert.Contains("fleet_agent_sends_total{", caughtUp);
    }

    [Fact]
    public async Task The_exposition_passes_promtool_check_metrics_with_no_findings()
    {
        var metrics = new FleetMetrics();
        metrics.Publish(FixedFleet());

        var result = await Promtool.CheckMetricsAsync(await ExposeAsync(metrics));

        Assert.True(result.ExitCode == 0 && result.StandardOutput.Trim().Length == 0 && result.StandardError.Trim().Length == 0,
            $"promtool exit {result.ExitCode}: {result.StandardOutput}{result.StandardError}");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_exporter_exports_its_own_process_series_as_node_exporter_does()
    {
        var metrics = new FleetMetrics();
        // An independent witness of the fd limit: a shell inherits this process's limits.
        var ulimit = await FleetExporter.Subprocess.ProcessRunner.RunAsync("sh", ["-c", "ulimit -n"], TimeSpan.FromSeconds(10));

        var exposition = await ExposeAsync(metrics);

        double Value(string name)
        {
            var m = Regex.Match(exposition, $@"^{name} (\S+)$", RegexOptions.Multiline);
            Assert.True(m.Success, $"no {name} in:\n{exposition}");
            return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(double.Parse(ulimit.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture), Value("process_max_fds"));
        Assert.InRange(Value("process_open_fds"), 3, Value("process_max_fds"));
        Assert.InRange(Value("process_resident_memory_bytes"), 1 << 20, Value("process_virtual_memory_bytes"));
        Assert.True(Value("process_cpu_seconds_total") > 0);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(Value("process_start_time_seconds"), now - 86_400, now + 1);
        Assert.Contains("# TYPE process_cpu_seconds_total counter", exposition);
    }

    [Fact]
    public void The_fd_limit_is_the_soft_limit_and_unlimited_is_infinite()
    {
        const string limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max open files            1024                 524288               files
            Max open filesystems      7                    7                    files
            Max address space         unlimited            unlimited            bytes
            """;

        Assert.Equal(1024, FleetExporter.Metrics.Self.ProcLimits.SoftLimit(limits, "Max open files"));
        Assert.Equal(double.PositiveInfinity, FleetExporter.Metrics.Self.ProcLimits.SoftLimit(limits, "Max address space"));
        Assert.Null(FleetExporter.Metrics.Self.ProcLimits.SoftLimit(limits, "Max locked memory"));
    }

    [Fact]
    public async Task An_agent_that_leaves_the_roster_leaves_every_series()
    {
        var metrics = new FleetMetrics();
        var full = FixedFleet();
        metrics.Publish(full);
        Assert.Contains("agent=\"drifted\"", await ExposeAsync(metrics));

        metrics.Publish(full with { Agents = full.Agents.Where(a => a.Spec.Name != "drifted").ToList() });

        var after = await ExposeAsync(metrics);
        Assert.DoesNotContain("agent=\"drifted\"", after);
        Assert.Contains("agent=\"healthy\"", after);
    }

    [Fact]
    public async Task A_failed_source_removes_its_facts_instead_of_reporting_zero()
    {
        var metrics = new FleetMetrics();
        var full = FixedFleet();
        metrics.Publish(full);
        Assert.Contains("fleet_agent_active{", await ExposeAsync(metrics));

        var withoutSystemd = full with
        {
            Agents = full.Agents.Select(a => a with { Unit = null }).ToList(),
            Sources = full.Sources.Select(s => s.Source == "systemd" ? s with { Ok = false, Error = "systemctl missing" } : s).ToList(),
        };
        metrics.Publish(withoutSystemd);

        var after = await ExposeAsync(metrics);
        Assert.DoesNotContain("fleet_agent_active{", after);
        Assert.DoesNotContain("fleet_agent_unit_state{", after);
        Assert.Contains("fleet_collector_success{host=\"golden-host\",collector=\"systemd\"} 0", after);
        Assert.Contains("fleet_collector_success{host=\"golden-host\",collector=\"tmux\"} 1", after);
        Assert.Contains("fleet_heartbeat_age_seconds{tenant=\"acme\",host=\"golden-host\",agent=\"healthy\"} 5", after);
    }

    [Fact]
    public async Task A_restarted_runtime_starts_its_cpu_counter_again()
    {
        var metrics = new FleetMetrics();
        var full = FixedFleet();
        metrics.Publish(full);
        var restarted = full with
        {
            Agents = full.Agents.Select(a => a.Spec.Name == "healthy"
                ? a with { Processes = new PaneProcesses(a.Processes!.Runtime! with { Pid = 9999, CpuSeconds = 0.5 }, ["claude"]) }
                : a).ToList(),
        };

        metrics.Publish(restarted);

        Assert.Contains("fleet_agent_process_cpu_seconds_total{tenant=\"acme\",host=\"golden-host\",agent=\"healthy\"} 0.5", await ExposeAsync(metrics));
    }
}
