using System.Collections.Concurrent;
using System.Text;
using FleetExporter.Otlp;
using FleetExporter.Telemetry;
using FleetExporter.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FleetExporter.Tests.Otlp;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, the real `serve` sends spans and fleet metrics over OTLP/HTTP.</summary>
public sealed class OtlpExportTests
{
    [Fact(Timeout = 120_000)]
    public async Task Spans_and_fleet_metrics_go_out_over_otlp_when_the_standard_variables_are_set()
    {
        using var dir = new TempDirectory();
        var received = new ConcurrentBag<(string Path, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            received.Add((ctx.Request.Path.Value!, body.ToArray()));
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await receiver.StartAsync();
        var port = new Uri(receiver.Urls.Single()).Port;
        var roster = dir.Write("roster.yaml", $"host: otlp-host\nbudgets: {{ usd_per_day: 10, tenants: {{ default: 50 }} }}\nheartbeat: {{ dir: {dir.File("hb")} }}\ntmux: {{ socket_name: fxt-otlp-none }}\nagents:\n  - {{ name: otlp-agent, runtime: claude }}\n");

        // The agent's usage, as its hooks would have counted it: the usage families go out too.
        FleetExporter.Usage.UsageFile.Write(dir.File("hb/otlp-agent.usage"),
            FleetExporter.Usage.UsageTotals.Empty.Add(new FleetExporter.Usage.ModelResponse("msg_1", "claude-opus-4-5", 10, 5, 0, 0) { ContextWindow = 200_000 })
                with { RateLimits = [new("primary", 10, 300, DateTimeOffset.UtcNow.AddHours(1))] }, DateTimeOffset.UtcNow);
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", roster], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await serve.GetAsync("/metrics");

        // Families whose facts nothing here provides (no systemd answers, no runtime runs, no heartbeat was written) are left out.
        var families = FleetExporter.Metrics.FleetSeries.Families
            .Where(f => f.Name is not ("fleet_user_linger" or "fleet_agent_unit_restarts_total" or "fleet_agent_unit_file_state_age_seconds"
                        or "fleet_agent_process_resident_memory_bytes" or "fleet_agent_process_cpu_seconds_total" or "fleet_agent_process_start_time_seconds"
                        or "fleet_agent_active" or "fleet_agent_unit_state" or "fleet_boot_enable_missing" or "fleet_heartbeat_age_seconds"
                        or "fleet_heartbeat_timestamp_seconds" or "fleet_agent_pane_dead" or "fleet_agent_last_activity_timestamp_seconds"
                        or "fleet_agent_state_seconds" or "fleet_collector_method"))
            .Select(f => f.Name).Append(FleetExporter.Metrics.FleetMetrics.CollectionsName).ToList();
        bool Has(string path, string text) => received.Any(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains(text));
        var arrived = await TmuxServer.EventuallyAsync(() => Task.FromResult(
            Has("/v1/traces", "fleet collect") && Has("/v1/traces", "source tmux") && Has("/v1/metrics", "fleet_heartbeat_interval_seconds")
            && Has("/v1/metrics", "otlp-agent") && families.All(f => Has("/v1/metrics", f))), TimeSpan.FromSeconds(30));
        // The families left out above need a user manager, a session, a heartbeat or a state with a known entry time, which this fleet has none of.

        Assert.True(arrived, $"missing families: {string.Join(", ", families.Where(f => !Has("/v1/metrics", f)))}; OTLP receiver got: {string.Join(", ", received.Take(4).Select(r => $"{r.Path}: {Printable(r.Body)}"))}\n{serve.Output}");
    }

    /// <summary>Protobuf carries strings as UTF-8: showing the printable runs is enough to see what was sent.</summary>
    private static string Printable(byte[] body) =>
        new(Encoding.UTF8.GetString(body).Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    [Theory]
    [InlineData(null, null, null, false, false)]
    [InlineData("http://collector:4318", null, null, true, true)]
    [InlineData(null, "http://collector:4318/v1/traces", null, true, false)]
    [InlineData(null, null, "http://collector:4318/v1/metrics", false, true)]
    [InlineData("  ", null, null, false, false)]
    public void Each_signal_is_exported_only_when_its_endpoint_or_the_general_one_is_set(
        string? endpoint, string? traces, string? metrics, bool tracesOn, bool metricsOn)
    {
        var env = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = traces,
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = metrics,
        };

        Assert.Equal(tracesOn, OpenTelemetrySetup.Configured(OpenTelemetrySetup.Signal.Traces, v => env.GetValueOrDefault(v)));
        Assert.Equal(metricsOn, OpenTelemetrySetup.Configured(OpenTelemetrySetup.Signal.Metrics, v => env.GetValueOrDefault(v)));
    }
}
