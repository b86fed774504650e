// The exporter itself: a source that fails, an empty fleet, an exporter down or not scraped at all.
local p = import '../lib/promql.libsonnet';

function(cfg) (
  local forWords(name) = p.words(cfg.alerts[name]['for']);
  [
    // A single slow scrape (a systemd or tmux call timing out under load) is normal; 10m means the source
    // is really gone, and every flag it decides is unknown meanwhile.
    {
      alert: 'FleetCollectorFailing',
      expr: '%s == 0' % p.last(cfg, 'fleet_collector_success'),
      annotations: {
        summary: 'fleet-exporter on {{ $labels.host }} cannot read {{ $labels.collector }}.',
        description: 'The {{ $labels.collector }} source of fleet-exporter on host {{ $labels.host }} ({{ $labels.instance }}) has failed for %s; the facts it provides for every agent on that host are unknown and their alerts cannot fire.' % forWords('FleetCollectorFailing'),
      },
    },

    // An exporter that serves no agents (no roster ever loaded, `agents: []`, or include/exclude that select
    // nobody) answers every scrape and fires no agent alert: the host looks healthy while nobody is watched.
    // A roster that vanishes or turns bad later keeps its last good agents (FleetCollectorFailing says so), so
    // this is the empty fleet. 15m: a roster being rewritten or a host provisioned before its agents is empty
    // for minutes; a quarter of an hour is longer than any such edit and still the same working hour. Warning,
    // not a page: the agents themselves may be fine, and an empty fleet can be a host being retired.
    {
      alert: 'FleetExporterNoAgents',
      expr: '%s == 0' % p.last(cfg, 'fleet_roster_agents'),
      annotations: {
        summary: 'fleet-exporter on {{ $labels.host }} watches no agents.',
        description: 'fleet-exporter on host {{ $labels.host }} ({{ $labels.instance }}) has served an empty fleet for %s: its roster is missing, empty or selects no agent, so no agent alert on that host can fire.' % forWords('FleetExporterNoAgents'),
      },
    },

    // Without the exporter every agent alert resolves silently (its series vanish), so this pages.
    // 5m rides out a restart of the exporter or a deploy. `up` carries no host label: the instance names the host,
    // and Alertmanager holds back the per-agent alerts of the same instance.
    {
      alert: 'FleetExporterDown',
      expr: '%s == 0' % p.up(cfg),
      labels: { scope: 'host' },
      annotations: {
        summary: 'fleet-exporter on {{ $labels.instance }} is down: the fleet is not watched.',
        description: 'Prometheus has failed to scrape fleet-exporter at {{ $labels.instance }} for %s; no agent alert on that host can fire meanwhile.' % forWords('FleetExporterDown'),
      },
    },

    // `up` only exists for configured targets; when the scrape job itself is gone (service discovery empty,
    // configuration lost) nothing is down, everything is absent. 5m covers a Prometheus restart.
    {
      alert: 'FleetExporterAbsent',
      expr: 'absent(%s)' % p.up(cfg),
      annotations: {
        summary: 'No fleet-exporter target is scraped: the fleet is not watched.',
        description: 'Prometheus has had no fleet-exporter target (%s) for %s, so no agent, tenant or host of the fleet is watched and no agent alert can fire.' % [p.up(cfg), forWords('FleetExporterAbsent')],
      },
    },
  ]
)
