// A whole host's failure, paged once per host while its per-agent alerts are held back.
local p = import '../lib/promql.libsonnet';

function(cfg) [
  // Every agent session on a host is gone at once: the host's tmux server died (or was killed), taking the
  // whole fleet with it. Each agent then raises its own alerts (session missing, down, drift); this one pages
  // once per host and, while it fires, Alertmanager holds those back. One series per tenant on the host, so that
  // `equal: [tenant, host]` inhibits each tenant's agents; Alertmanager groups them by host into one page.
  // Only a host whose tmux source answered: a failed source exports no session_present (FleetCollectorFailing).
  // 2m rides out a server that systemd restarts with its sessions, and is shorter than the per-agent `for:`
  // (5m), so the page is firing before they would be sent.
  {
    alert: 'FleetTmuxServerDown',
    expr: |||
      group by (tenant, host, instance, job) (%s == 0)
        and on (host, instance) max by (host, instance) (%s) == 0
    ||| % [p.last(cfg, 'fleet_agent_session_present'), p.last(cfg, 'fleet_agent_session_present')],
    labels: { scope: 'host' },
    annotations: {
      summary: 'No agent on {{ $labels.host }} has a tmux session: the fleet\'s tmux server is gone.',
      description: 'Every agent session on host {{ $labels.host }} (tenant {{ $labels.tenant }}, {{ $labels.instance }}) has been missing for %s: the tmux server that holds them died or was killed. Per-agent alerts of this host are held back while this fires.' % p.words(cfg.alerts.FleetTmuxServerDown['for']),
    },
  },
]
