using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FleetExporter.Telemetry;

/// <summary>
/// OTLP export of spans and fleet metrics, switched on by the standard OTEL_EXPORTER_OTLP_* variables and
/// configured by them (endpoint, protocol, headers). With none set, nothing is sent.
/// </summary>
public static class OpenTelemetrySetup
{
    public static bool Configured(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        return new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" }
            .Any(v => !string.IsNullOrWhiteSpace(env(v)));
    }

    public static IServiceCollection AddFleetOpenTelemetry(this IServiceCollection services)
    {
        if (!Configured()) return services;
        services.AddSingleton<FleetMeter>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: "fleet-exporter", serviceVersion: BuildInfo.Version))
            .WithTracing(t => t.AddSource(FleetTelemetry.Name).AddOtlpExporter())
            .WithMetrics(m => m.AddMeter(FleetMeter.Name).AddOtlpExporter());
        // The meter's observable instruments must exist before the first export.
        services.AddHostedService<FleetMeterActivator>();
        return services;
    }

    private sealed class FleetMeterActivator(FleetMeter meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) { _ = meter; return Task.CompletedTask; }
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
