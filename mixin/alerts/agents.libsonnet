// The agents' own alerts: silent, blocked on a human, down, drifted, not coming back after a reboot.
local p = import '../lib/promql.libsonnet';

function(cfg) (
  local forWords(name) = p.words(cfg.alerts[name]['for']);
  local who = 'Agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }})';
  [
    // Agents beat from their hooks, and hooks fire only on events: an idle agent (turn finished, ready for a
    // prompt), a waiting one (blocked on a human) and a stopped one (session ended) stop beating by design, so
    // age pages only while the agent is supposed to beat: working (a hung turn, a wedged tool) or in an
    // unknown state. `unless` drops only agents whose state series says idle, waiting or stopped; an exporter
    // without state series (older than fleet_agent_state) matches nothing there and still pages as before.
    // The expression already waits three intervals, and age only grows while an agent is silent, so the
    // condition cannot flap; 1m rides out a heartbeat that lands just late.
    // Paging time after the last heartbeat: 3 × interval + 1m (+ scrape, evaluation and group_wait).
    {
      alert: 'FleetHeartbeatStale',
      expr: |||
        %s > %s * %s
          unless on (tenant, host, agent) %s == 1
      ||| % [
        p.last(cfg, 'fleet_heartbeat_age_seconds'),
        p.num(cfg.heartbeatStaleIntervals),
        p.last(cfg, 'fleet_heartbeat_interval_seconds'),
        p.last(cfg, 'fleet_agent_state', 'state=~"idle|waiting|stopped"'),
      ],
      annotations: {
        summary: 'Agent {{ $labels.agent }} went silent: no heartbeat for {{ $value | humanizeDuration }}.',
        description: '%s last wrote its heartbeat {{ $value | humanizeDuration }} ago, more than %s times its expected interval, while working or in an unknown state.' % [who, p.num(cfg.heartbeatStaleIntervals)],
      },
    },

    // Blocked on a human (a permission prompt, a question) for more than 10 minutes. The 10 minutes are in the
    // expression (time in the state is exported), so `for:` need not wait them again: 1m only asks that the
    // scrapes of a whole minute agree, so one scrape that reads the state at a bad moment does not notify.
    // Notifies 11m after the agent began to wait (+ evaluation and group_wait); `notify`, not a page: nothing
    // is broken, a human is needed, and that can wait for the morning.
    // `stopped` needs no rule of its own: the runtime that ended its session leaves a shell (FleetAgentDrift),
    // a dead pane (FleetAgentPaneDead) or a stopped unit (FleetAgentDown), and those already say so.
    {
      alert: 'FleetAgentWaitingForHuman',
      expr: |||
        %s > %s
          and on (tenant, host, agent) %s == 1
      ||| % [p.last(cfg, 'fleet_agent_state_seconds'), p.num(cfg.waitingForHumanSeconds), p.last(cfg, 'fleet_agent_state', 'state="waiting"')],
      annotations: {
        summary: 'Agent {{ $labels.agent }} has been waiting for a human for {{ $value | humanizeDuration }}.',
        description: '%s has been blocked on a permission prompt or a question for {{ $value | humanizeDuration }} and does no work until someone answers it.' % who,
      },
    },

    // A freshly started agent writes its first heartbeat within one interval; 5m leaves room for slow
    // start-ups without letting an agent that never heartbeats (and so can never be stale) go unnoticed.
    {
      alert: 'FleetHeartbeatMissing',
      expr: '%s == 1 and on (tenant, host, agent) %s == 1' % [p.last(cfg, 'fleet_heartbeat_missing'), p.last(cfg, 'fleet_agent_active')],
      annotations: {
        summary: 'Agent {{ $labels.agent }} is running but has no heartbeat file.',
        description: '%s is active but has never written a heartbeat, so a silent agent would not be noticed.' % who,
      },
    },

    // Heartbeats are written atomically, so an invalid file is a broken writer, not a torn write; 5m
    // still skips a single odd write (e.g. a clock step that puts `ts` briefly in the future).
    {
      alert: 'FleetHeartbeatInvalid',
      expr: '%s == 1 and on (tenant, host, agent) %s == 1' % [p.last(cfg, 'fleet_heartbeat_invalid'), p.last(cfg, 'fleet_agent_active')],
      annotations: {
        summary: 'Agent {{ $labels.agent }} writes an invalid heartbeat file.',
        description: '%s is active but its heartbeat file is not a valid v1 heartbeat, so a silent agent would not be noticed.' % who,
      },
    },

    // systemd restarts a failed unit within seconds, and a restart shows as `activating` (down) for a
    // moment; 5m waits those out. A down agent's runtime is gone (state stopped), so no stale page stands in for it.
    {
      alert: 'FleetAgentDown',
      expr: '%s == 0' % p.last(cfg, 'fleet_agent_active'),
      annotations: {
        summary: 'Agent {{ $labels.agent }} is down: its unit is not active.',
        description: 'The systemd unit of agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }}) has not been active for %s.' % forWords('FleetAgentDown'),
      },
    },

    // A runtime that is restarted inside its pane (a wrapper loop with back-off) leaves a shell in the pane
    // for a while; 10m separates that from an agent that fell back to a shell for good.
    {
      alert: 'FleetAgentDrift',
      expr: '%s == 1' % p.last(cfg, 'fleet_agent_drift'),
      annotations: {
        summary: 'Agent {{ $labels.agent }} drifted: its runtime no longer runs in its pane.',
        description: "The tmux pane of agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }}) is alive, but the roster's runtime has not been in its process tree for %s." % forWords('FleetAgentDrift'),
      },
    },

    // Nothing is broken until the next reboot, so this is a ticket; 30m skips the window between
    // `systemctl start` and `systemctl enable` while an agent is being set up.
    {
      alert: 'FleetBootEnableMissing',
      expr: '%s == 1' % p.last(cfg, 'fleet_boot_enable_missing'),
      annotations: {
        summary: 'Agent {{ $labels.agent }} will not come back after a reboot.',
        description: '%s runs, but its unit is not enabled to start at boot (or its user has no linger).' % who,
      },
    },

    // The unit starts the session; a unit that is restarting recreates it within seconds, and 5m waits that out.
    {
      alert: 'FleetAgentSessionMissing',
      expr: '%s == 0 and on (tenant, host, agent) %s == 1' % [p.last(cfg, 'fleet_agent_session_present'), p.last(cfg, 'fleet_agent_active')],
      annotations: {
        summary: 'Agent {{ $labels.agent }} has no tmux session although its unit is active.',
        description: '%s has an active unit but no tmux session for %s.' % [who, forWords('FleetAgentSessionMissing')],
      },
    },

    // A dead pane (remain-on-exit) stays dead until someone respawns it; 5m leaves room for an automatic respawn.
    {
      alert: 'FleetAgentPaneDead',
      expr: '%s == 1' % p.last(cfg, 'fleet_agent_pane_dead'),
      annotations: {
        summary: "Agent {{ $labels.agent }}'s pane is dead.",
        description: "The first pane of agent {{ $labels.agent }}'s tmux session (tenant {{ $labels.tenant }}, host {{ $labels.host }}) has been dead for %s: its program exited and remain-on-exit kept the pane." % forWords('FleetAgentPaneDead'),
      },
    },

    // Restarts are counted over 30m and the rule holds for 5m so that one burst is not reported twice.
    // Informational: the stale and down alerts carry the consequences.
    {
      alert: 'FleetAgentRestarting',
      expr: 'increase(%s[%s]) > %s' % [p.series(cfg, 'fleet_agent_unit_restarts_total'), cfg.restartsWindow, p.num(cfg.restartsThreshold)],
      annotations: {
        summary: 'Agent {{ $labels.agent }} restarts often.',
        description: 'The unit of agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }}) restarted {{ $value | humanize }} times in the last %s.' % p.words(cfg.restartsWindow),
      },
    },
  ]
)
