using FleetExporter.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FleetExporter.Otlp;

/// <summary>
/// OTLP export of spans and fleet metrics, switched on by the standard OTEL_EXPORTER_OTLP_* variables and
/// configured by them (endpoint, protocol, headers). With none set, nothing is sent.
/// </summary>
public static class OpenTelemetrySetup
{
    public enum Signal { Traces, Metrics }

    /// <summary>A signal is exported when the general endpoint or that signal's own endpoint is set.</summary>
    public static bool Configured(Signal signal, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var own = signal == Signal.Traces ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
        return !string.IsNullOrWhiteSpace(env("OTEL_EXPORTER_OTLP_ENDPOINT")) || !string.IsNullOrWhiteSpace(env(own));
    }

    public static IServiceCollection AddFleetOpenTelemetry(this IServiceCollection services)
    {
        var traces = Configured(Signal.Traces);
        var metrics = Configured(Signal.Metrics);
        if (!traces && !metrics) return services;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: "fleet-exporter", serviceVersion: BuildInfo.Version));
        if (traces) otel.WithTracing(t => t.AddSource(FleetTelemetry.Name).AddOtlpExporter());
        if (metrics)
        {
            services.AddSingleton<FleetMeter>();
            otel.WithMetrics(m => m.AddMeter(FleetMeter.Name).AddOtlpExporter());
            // The meter's observable instruments must exist before the first export.
            services.AddHostedService<FleetMeterActivator>();
        }
        return services;
    }

    private sealed class FleetMeterActivator(FleetMeter meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) { _ = meter; return Task.CompletedTask; }
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
