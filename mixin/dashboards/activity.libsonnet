// Each agent over time: heartbeat age against its threshold, idle time, memory and CPU.
local p = import '../lib/promql.libsonnet';
local b = import 'panels.libsonnet';

function(cfg) (
  local a(name) = b.agents(cfg, name);
  local stale = p.num(cfg.heartbeatStaleIntervals);
  [
    b.timeseries(8, 'Heartbeat age against its threshold',
                 "Seconds since each agent's last heartbeat (solid) and its stale threshold, %s times its interval (dashed). Above the dashed line the agent is stale; after %s more FleetHeartbeatStale pages, if the agent is working or its state is unknown (an idle, waiting or stopped agent is silent by design)." % [stale, cfg.alerts.FleetHeartbeatStale['for']],
                 [0, 21, 12, 8], 's',
                 [
                   b.range('A', a('fleet_heartbeat_age_seconds'), '{{agent}} age'),
                   b.range('B', '%s * %s' % [stale, a('fleet_heartbeat_interval_seconds')], '{{agent}} threshold'),
                 ],
                 overrides=[{
                   matcher: { id: 'byRegexp', options: '.* threshold' },
                   properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }],
                 }]),
    b.timeseries(9, 'Idle time',
                 "Seconds since the last activity in each agent's tmux session (output or input). Long idle with a fresh heartbeat is a waiting agent; long idle with a stale one is a stuck agent.",
                 [12, 21, 12, 8], 's',
                 [b.range('A', 'time() - ' + a('fleet_agent_last_activity_timestamp_seconds'), '{{agent}}')]),
    b.timeseries(10, 'Memory per agent',
                 "Resident memory of each agent's runtime process (absent while the runtime does not run).",
                 [0, 29, 12, 8], 'bytes',
                 [b.range('A', a('fleet_agent_process_resident_memory_bytes'), '{{agent}}')]),
    b.timeseries(11, 'CPU per agent',
                 "CPU used by each agent's runtime process, user plus system; 100% is one core.",
                 [12, 29, 12, 8], 'percentunit',
                 [b.range('A', 'rate(%s[$__rate_interval])' % a('fleet_agent_process_cpu_seconds_total'), '{{agent}}')]),
  ]
)
