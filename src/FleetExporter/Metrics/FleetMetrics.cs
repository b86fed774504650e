using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Telemetry;
using Prometheus;

namespace FleetExporter.Metrics;

/// <summary>
/// The exported metric families (docs/metrics.md is their contract) on a registry of their own, and the mapping
/// from one <see cref="FleetSnapshot"/> onto them. Publishing is the only writer; scrapes only read.
/// </summary>
public sealed class FleetMetrics
{
    private static readonly string[] AgentLabels = ["tenant", "host", "agent"];

    /// <summary>The ActiveState values exported as a state set.</summary>
    public static readonly IReadOnlyList<string> UnitStates = ["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance"];

    private readonly Lock _gate = new();
    private readonly TrackedGauge _info, _active, _unitState, _drift, _bootEnable, _sessionPresent, _paneDead, _lastActivity,
        _rss, _processStart, _hbAge, _hbTimestamp, _hbInterval, _hbMissing, _hbInvalid, _flag, _linger,
        _collectorSuccess, _collectorDuration, _rosterAgents;
    private readonly TrackedCounter _restarts, _cpu;
    private readonly Counter _collections;

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public FleetMetrics()
    {
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        TrackedGauge Agent(string name, string help, params string[] extra) =>
            new(f.CreateGauge(name, help, new GaugeConfiguration { LabelNames = [.. AgentLabels, .. extra] }));

        _info = Agent("fleet_agent_info", "Roster agent: always 1, with its runtime, systemd unit and tmux session as labels.", "runtime", "unit", "session");
        _active = Agent("fleet_agent_active", "1 if the agent's systemd unit is active (ActiveState active or reloading), else 0.");
        _unitState = Agent("fleet_agent_unit_state", "The unit's ActiveState as a state set: 1 for the current state, 0 for the others.", "state");
        _restarts = new(f.CreateCounter("fleet_agent_unit_restarts_total", "Times systemd restarted the agent's unit (NRestarts).",
            new CounterConfiguration { LabelNames = AgentLabels }));
        _drift = Agent("fleet_agent_drift", "1 if the agent's pane is alive but the roster's runtime is not in the pane's process tree (fell back to a shell or another program).");
        _bootEnable = Agent("fleet_boot_enable_missing", "1 if the unit is active but will not start at the next boot (unit file state not enabled, or no user linger for user units).");
        _sessionPresent = Agent("fleet_agent_session_present", "1 if the agent's tmux session exists.");
        _paneDead = Agent("fleet_agent_pane_dead", "1 if the first pane of the agent's tmux session is dead.");
        _lastActivity = Agent("fleet_agent_last_activity_timestamp_seconds", "Last activity in the agent's tmux session, Unix seconds.");
        _rss = Agent("fleet_agent_process_resident_memory_bytes", "Resident memory of the runtime's process.");
        _cpu = new(f.CreateCounter("fleet_agent_process_cpu_seconds_total", "User and system CPU time of the runtime's process, seconds.",
            new CounterConfiguration { LabelNames = AgentLabels }));
        _processStart = Agent("fleet_agent_process_start_time_seconds", "Start time of the runtime's process, Unix seconds.");
        _hbAge = Agent("fleet_heartbeat_age_seconds", "Seconds since the agent's last heartbeat (now minus the heartbeat's ts). Healthy while at most 3 x fleet_heartbeat_interval_seconds.");
        _hbTimestamp = Agent("fleet_heartbeat_timestamp_seconds", "The ts of the agent's last heartbeat, Unix seconds.");
        _hbInterval = Agent("fleet_heartbeat_interval_seconds", "Expected heartbeat interval (the file's interval_s, else the roster's); the heartbeat is stale past 3 x this.");
        _hbMissing = Agent("fleet_heartbeat_missing", "1 if the agent has no heartbeat file (it never wrote one, or it was removed).");
        _hbInvalid = Agent("fleet_heartbeat_invalid", "1 if the agent's heartbeat file exists but is not a valid v1 heartbeat.");
        _flag = Agent("fleet_agent_flag", "1 if the flag is raised for the agent (DRIFT, BOOT-ENABLE, DOWN, NO-SESSION, PANE-DEAD, HB-STALE, HB-MISSING, HB-INVALID).", "flag");
        _linger = new(f.CreateGauge("fleet_user_linger", "1 if the fleet's user has linger (user units start at boot without a login), 0 if not. User scope only.",
            new GaugeConfiguration { LabelNames = ["host", "user"] }));
        _collectorSuccess = new(f.CreateGauge("fleet_collector_success", "1 if the source answered in the last collection, 0 if it failed (its facts are then left out).",
            new GaugeConfiguration { LabelNames = ["host", "collector"] }));
        _collectorDuration = new(f.CreateGauge("fleet_collector_duration_seconds", "How long the source took in the last collection.",
            new GaugeConfiguration { LabelNames = ["host", "collector"] }));
        _rosterAgents = new(f.CreateGauge("fleet_roster_agents", "Number of agents in the roster.", new GaugeConfiguration { LabelNames = ["host"] }));
        _collections = f.CreateCounter("fleet_exporter_collections_total", "Collections run; concurrent scrapes share one.");
        f.CreateGauge("fleet_exporter_build_info", "Build of the exporter: always 1.", new GaugeConfiguration { LabelNames = ["version", "revision"] })
            .WithLabels(BuildInfo.Version, BuildInfo.Revision).Set(1);
    }

    public void CountCollection() => _collections.Inc();

    public void Publish(FleetSnapshot snapshot)
    {
        lock (_gate)
        {
            foreach (var a in snapshot.Agents) PublishAgent(a);
            if (snapshot.Agents.FirstOrDefault() is { Linger: { } linger })
                _linger.Set(linger ? 1 : 0, snapshot.Roster.Host, Environment.UserName);
            foreach (var s in snapshot.Sources)
            {
                _collectorSuccess.Set(s.Ok ? 1 : 0, snapshot.Roster.Host, s.Source);
                _collectorDuration.Set(s.Duration.TotalSeconds, snapshot.Roster.Host, s.Source);
            }
            _rosterAgents.Set(snapshot.Agents.Count, snapshot.Roster.Host);
            foreach (var g in new[] { _info, _active, _unitState, _drift, _bootEnable, _sessionPresent, _paneDead, _lastActivity, _rss,
                         _processStart, _hbAge, _hbTimestamp, _hbInterval, _hbMissing, _hbInvalid, _flag, _linger, _collectorSuccess,
                         _collectorDuration, _rosterAgents })
                g.Sweep();
            _restarts.Sweep();
            _cpu.Sweep();
        }
    }

    private void PublishAgent(AgentStatus a)
    {
        string[] L(params string[] extra) => [a.Spec.Tenant, a.Host, a.Spec.Name, .. extra];
        var known = new HashSet<string>(StringComparer.Ordinal);

        _info.Set(1, L(a.Spec.Runtime, a.Spec.Unit, a.Spec.Session));
        if (a.Unit is { } unit)
        {
            _active.Set(AgentFlags.IsActive(unit) ? 1 : 0, L());
            foreach (var state in UnitStates) _unitState.Set(unit.ActiveState == state ? 1 : 0, L(state));
            if (unit.Restarts is { } restarts) _restarts.Set(restarts, L());
            _bootEnable.Set(a.Flags.Contains(AgentFlags.BootEnable) ? 1 : 0, L());
            known.UnionWith([AgentFlags.BootEnable, AgentFlags.Down]);
        }
        if (a.SessionPresent is { } present)
        {
            _sessionPresent.Set(present ? 1 : 0, L());
            known.Add(AgentFlags.NoSession);
            if (a.Pane is { } pane)
            {
                _paneDead.Set(pane.Dead ? 1 : 0, L());
                if (pane.LastActivity is { } at) _lastActivity.Set(at.ToUnixTimeMilliseconds() / 1000.0, L());
            }
            known.Add(AgentFlags.PaneDead);
        }
        // Drift needs both the pane and its processes; with no live pane it is 0 (nothing to drift).
        if (a.SessionPresent is not null && (a.Processes is not null || a.Pane is null or { Dead: true }))
        {
            _drift.Set(a.Flags.Contains(AgentFlags.Drift) ? 1 : 0, L());
            known.Add(AgentFlags.Drift);
        }
        if (a.Processes?.Runtime is { } rt)
        {
            _rss.Set(rt.RssBytes, L());
            _cpu.Set(rt.CpuSeconds, L());
            if (rt.StartTime is { } start) _processStart.Set(start.ToUnixTimeMilliseconds() / 1000.0, L());
        }

        var hb = a.Heartbeat;
        _hbInterval.Set(hb.Interval.TotalSeconds, L());
        _hbMissing.Set(hb.State == HeartbeatState.Missing ? 1 : 0, L());
        _hbInvalid.Set(hb.State == HeartbeatState.Invalid ? 1 : 0, L());
        if (hb is { State: HeartbeatState.Ok, Age: { } age, Timestamp: { } ts })
        {
            _hbAge.Set(age.TotalSeconds, L());
            _hbTimestamp.Set(ts.ToUnixTimeMilliseconds() / 1000.0, L());
        }
        known.UnionWith([AgentFlags.HeartbeatStale, AgentFlags.HeartbeatMissing, AgentFlags.HeartbeatInvalid]);

        foreach (var flag in AgentFlags.All.Where(known.Contains))
            _flag.Set(a.Flags.Contains(flag) ? 1 : 0, L(flag));
    }
}
