using System.Collections.Concurrent;
using System.Text;
using FleetExporter.Telemetry;
using FleetExporter.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FleetExporter.Tests.Exporter;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, the real `serve` sends spans and fleet metrics over OTLP/HTTP.</summary>
public sealed class OtlpExportTests
{
    [Fact(Timeout = 120_000)]
    public async Task Spans_and_fleet_metrics_go_out_over_otlp_when_the_standard_variables_are_set()
    {
        using var dir = new TempDirectory();
        var received = new ConcurrentBag<(string Path, byte[] Body)>();
        var port = PrometheusServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var receiver = builder.Build();
        receiver.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            received.Add((ctx.Request.Path.Value!, body.ToArray()));
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await receiver.StartAsync();
        var roster = dir.Write("roster.yaml", $"host: otlp-host\nheartbeat: {{ dir: {dir.File("hb")} }}\ntmux: {{ socket_name: fxt-otlp-none }}\nagents:\n  - {{ name: otlp-agent, runtime: claude }}\n");

        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", roster], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await serve.GetAsync("/metrics");

        bool Has(string path, string text) => received.Any(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains(text));
        var arrived = await TmuxServer.EventuallyAsync(() => Task.FromResult(
            Has("/v1/traces", "fleet collect") && Has("/v1/traces", "source tmux") && Has("/v1/metrics", "fleet_agent_active")
            && Has("/v1/metrics", "otlp-agent") && Has("/v1/metrics", "fleet_heartbeat_missing")), TimeSpan.FromSeconds(30));

        Assert.True(arrived, $"OTLP receiver got: {string.Join(", ", received.Select(r => $"{r.Path} ({r.Body.Length} bytes)"))}\n{serve.Output}");
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("http://collector:4318", null, true)]
    [InlineData(null, "http://collector:4318/v1/traces", true)]
    [InlineData("  ", null, false)]
    public void Otlp_is_on_only_when_an_endpoint_variable_is_set(string? endpoint, string? tracesEndpoint, bool expected)
    {
        var env = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint, ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint };

        Assert.Equal(expected, OpenTelemetrySetup.Configured(v => env.GetValueOrDefault(v)));
    }
}
