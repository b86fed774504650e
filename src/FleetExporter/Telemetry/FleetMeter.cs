using System.Diagnostics.Metrics;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Telemetry;

/// <summary>
/// The fleet metrics as .NET observable instruments, for OTLP. Each export reads a recent snapshot (collecting
/// through the same shared collection the scrapes use), so OTLP users get the fleet without any Prometheus.
/// </summary>
public sealed class FleetMeter : IDisposable
{
    public const string Name = "FleetExporter.Fleet";
    private readonly Meter _meter = new(Name, BuildInfo.Version);
    private readonly ScrapeCollector _collector;

    public FleetMeter(ScrapeCollector collector)
    {
        _collector = collector;
        Agent("fleet_agent_active", "1 if the agent's systemd unit is active", a => a.Unit is { } u ? (AgentFlags.IsActive(u) ? 1 : 0) : null);
        Agent("fleet_agent_drift", "1 if the roster's runtime is not in the agent's pane", a => a.SessionPresent is null ? null : a.Flags.Contains(AgentFlags.Drift) ? 1 : 0);
        Agent("fleet_boot_enable_missing", "1 if the active unit will not start at the next boot", a => a.Unit is null ? null : a.Flags.Contains(AgentFlags.BootEnable) ? 1 : 0);
        Agent("fleet_heartbeat_age_seconds", "Seconds since the agent's last heartbeat", a => a.Heartbeat.State == HeartbeatState.Ok ? a.Heartbeat.Age?.TotalSeconds : null, "s");
        Agent("fleet_heartbeat_interval_seconds", "Expected heartbeat interval; stale past 3 x this", a => a.Heartbeat.Interval.TotalSeconds, "s");
        Agent("fleet_heartbeat_missing", "1 if the agent has no heartbeat file", a => a.Heartbeat.State == HeartbeatState.Missing ? 1 : 0);
        Agent("fleet_heartbeat_invalid", "1 if the heartbeat file is not a valid v1 heartbeat", a => a.Heartbeat.State == HeartbeatState.Invalid ? 1 : 0);
        Agent("fleet_agent_session_present", "1 if the agent's tmux session exists", a => a.SessionPresent is { } p ? (p ? 1 : 0) : null);
        Agent("fleet_agent_pane_dead", "1 if the agent's pane is dead", a => a.Pane is { } p ? (p.Dead ? 1 : 0) : null);
        Agent("fleet_agent_process_resident_memory_bytes", "Resident memory of the runtime's process", a => a.Processes?.Runtime?.RssBytes, "By");
        _meter.CreateObservableGauge("fleet_collector_success", () =>
        {
            var snapshot = Snapshot();
            return snapshot.Sources.Select(s => new Measurement<double>(s.Ok ? 1 : 0,
                new KeyValuePair<string, object?>("host", snapshot.Roster.Host), new KeyValuePair<string, object?>("collector", s.Source)));
        },
            description: "1 if the source answered in the last collection");
    }

    private void Agent(string name, string description, Func<AgentStatus, double?> value, string? unit = null) =>
        _meter.CreateObservableGauge(name, () =>
        {
            var snapshot = Snapshot();
            return snapshot.Agents
                .Select(a => (a, v: value(a)))
                .Where(x => x.v is not null)
                .Select(x => new Measurement<double>(x.v!.Value,
                    new KeyValuePair<string, object?>("tenant", x.a.Spec.Tenant),
                    new KeyValuePair<string, object?>("host", x.a.Host),
                    new KeyValuePair<string, object?>("agent", x.a.Spec.Name)));
        }, unit, description);

    /// <summary>One collection serves every instrument of one export: anything younger than 2 s is reused.</summary>
    private FleetSnapshot Snapshot() =>
        _collector.RecentAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    public void Dispose() => _meter.Dispose();
}
