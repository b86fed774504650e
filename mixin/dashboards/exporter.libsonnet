// The exporters and what reached the agents: source health and duration, targets up, alerts, sends that failed.
local p = import '../lib/promql.libsonnet';
local b = import 'panels.libsonnet';

function(cfg) (
  local forOf(name) = cfg.alerts[name]['for'];
  [
    b.stat(12, 'Collector health',
           'Whether each source of the exporter (systemd, tmux, processes, heartbeat) answered in the last scrape, worst over the selected hosts. A failing source leaves its facts out and its alerts blind; FleetCollectorFailing after %s.' % forOf('FleetCollectorFailing'),
           [0, 37, 8, 6],
           [b.instant('A', 'min by (collector) (%s)' % b.hosts(cfg, 'fleet_collector_success'), '{{collector}}')],
           {
             mappings: b.valueMap([['1', 'OK', 'green'], ['0', 'FAILING', 'red']]),
             thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }] },
           },
           { textMode: 'value_and_name' }),
    b.timeseries(13, 'Collector duration',
                 'How long each source of the exporter took per scrape, by exporter. Growth here comes before timeouts and failed sources.',
                 [8, 37, 8, 6], 's',
                 [b.range('A', b.hosts(cfg, 'fleet_collector_duration_seconds'), '{{host}} {{collector}}')]),
    b.stat(14, 'Exporters up',
           'Exporter targets that Prometheus scraped successfully out of all exporter targets (%s). Below the total, FleetExporterDown pages after %s.' % [p.up(cfg), forOf('FleetExporterDown')],
           [16, 37, 8, 6],
           [b.instant('A', 'sum(%s)' % p.up(cfg), 'up'), b.instant('B', 'count(%s)' % p.up(cfg), 'targets')],
           {},
           { colorMode: 'value', textMode: 'value_and_name' }),

    b.panel(15, 'table', 'Fleet alerts',
            "Fleet alerts now firing (red) or pending until their for: elapses (yellow), from Prometheus's ALERTS series. Exporter-wide alerts (no tenant or agent) always show.",
            0, 43, 24, 8) {
      fieldConfig: {
        defaults: { unit: 'short' },
        overrides: [b.byName('alertstate', [{ id: 'mappings', value: b.valueMap([['firing', null, 'red'], ['pending', null, 'yellow']]) }, b.cells('color-background')])],
      },
      options: { showHeader: true, sortBy: [{ displayName: 'alertstate', desc: false }] },
      targets: [b.instant('A', 'ALERTS{alertname=~"Fleet.*", tenant=~"$tenant|", host=~"$host|", agent=~"$agent|"}', format='table')],
      transformations: [{
        id: 'organize',
        options: {
          excludeByName: { Time: true, Value: true, __name__: true },
          indexByName: { alertstate: 0, alertname: 1, severity: 2, tenant: 3, host: 4, agent: 5 },
        },
      }],
    },

    b.bargauge(18, 'Sends that did not land',
               'Messages sent with `fleet-exporter send` in the selected range that the agent did not take, per agent and verdict (not_ready: a dialog, copy mode, its runtime gone or its state unknown; unverifiable, draft, unknown, failed), from the send journal (fleet_agent_sends_total). An agent near the top keeps refusing prompts.',
               [0, 51, 24, 7],
               b.instant('A', 'sort_desc(sum by (agent, verdict) (increase(%s[$__range])))' % b.agents(cfg, 'fleet_agent_sends_total', 'verdict!~"sent|acknowledged|accepted"'), '{{agent}} {{verdict}}'),
               {
                 unit: 'none', decimals: 0, noValue: 'every send landed',
                 thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 1 }, { color: 'red', value: 5 }] },
               }),
  ]
)
