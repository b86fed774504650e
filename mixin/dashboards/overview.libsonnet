// The top of the board: counts of agents in trouble, agents by state, who waits for a human, the fleet table.
local p = import '../lib/promql.libsonnet';
local b = import 'panels.libsonnet';

function(cfg) (
  local a(name, matchers='') = b.agents(cfg, name, matchers);
  local forOf(name) = cfg.alerts[name]['for'];
  local count(id, title, description, x, expr, thresholds) =
    b.stat(id, title, description, [x, 0, 4, 4], [b.instant('A', expr)], { thresholds: thresholds });
  local states = [['working', 'blue'], ['waiting', 'orange'], ['idle', 'green'], ['stopped', 'text'], ['unknown', 'purple']];
  local flags = ['DRIFT', 'BOOT-ENABLE', 'DOWN', 'NO-SESSION', 'PANE-DEAD', 'HB-STALE', 'HB-MISSING', 'HB-INVALID'];
  // The table's queries: A-C facts, D-K one per flag, L the state (its value dropped, its label kept), M time in it.
  local flagRefs = std.stringChars('DEFGHIJK');
  local byAgent(expr) = 'max by (tenant, host, agent) (%s)' % expr;
  [
    count(1, 'Agents', 'Agents in the roster of the selected tenants, hosts and agents (fleet_agent_info).', 0,
          'count(%s)' % a('fleet_agent_info'), b.oneColour('blue')),
    count(2, 'Active', 'Agents whose systemd unit is active or reloading (fleet_agent_active).', 4,
          'sum(%s)' % a('fleet_agent_active'), b.oneColour('green')),
    count(3, 'Drifted', "Agents whose pane is alive but no longer runs the roster's runtime (fleet_agent_drift); FleetAgentDrift after %s." % forOf('FleetAgentDrift'), 8,
          'sum(%s)' % a('fleet_agent_drift'), b.troubleSteps),
    count(4, 'Not boot-enabled', 'Active agents that will not start after a reboot: unit not enabled or no linger (fleet_boot_enable_missing).', 12,
          'sum(%s)' % a('fleet_boot_enable_missing'), b.troubleSteps),
    count(5, 'Heartbeat stale', 'Agents whose heartbeat is older than %s times their interval (the HB-STALE flag); FleetHeartbeatStale pages after %s.' % [p.num(cfg.heartbeatStaleIntervals), forOf('FleetHeartbeatStale')], 16,
          'sum(%s)' % a('fleet_agent_flag', 'flag="HB-STALE"'), b.troubleSteps),
    count(6, 'Down', 'Agents whose systemd unit is not active (fleet_agent_active == 0).', 20,
          'sum(1 - %s)' % a('fleet_agent_active'), b.troubleSteps),

    b.stat(16, 'Agents by state',
           'How many of the selected agents are working (a turn is running), waiting (blocked on a human), idle (turn finished, ready for a prompt), stopped (the agent program ended its session) or in an unknown state, from fleet_agent_state. Only working and unknown agents page when their heartbeat goes stale.',
           [0, 4, 12, 7],
           [b.instant('A', 'sum by (state) (%s)' % a('fleet_agent_state'), '{{state}}')],
           { color: { mode: 'fixed', fixedColor: 'text' } },
           { textMode: 'value_and_name', orientation: 'vertical' },
           [b.fixedColour(s[0], s[1]) for s in states]),

    b.bargauge(17, 'Time waiting for a human',
               'How long each waiting agent has been blocked on a human (a permission prompt, a question), longest first, from fleet_agent_state_seconds. Red from %s: FleetAgentWaitingForHuman notifies after %s more. Empty when no agent waits.' % [p.words('%dm' % (cfg.waitingForHumanSeconds / 60)), p.words(forOf('FleetAgentWaitingForHuman'))],
               [12, 4, 12, 7],
               b.instant('A', 'sort_desc(%s and on (tenant, host, agent) %s == 1)' % [a('fleet_agent_state_seconds'), a('fleet_agent_state', 'state="waiting"')], '{{agent}}'),
               { unit: 's', noValue: 'no agent waits', thresholds: { mode: 'absolute', steps: [{ color: 'orange', value: null }, { color: 'red', value: cfg.waitingForHumanSeconds }] } }),

    b.panel(7, 'table', 'Fleet',
            'One row per agent: whether its unit is active, its state (working, waiting, idle, stopped or unknown) and how long it has been in it, its heartbeat age, how long its pane has been idle, and each flag (red when raised). Empty cells are facts whose source failed or that do not apply (no heartbeat file).',
            0, 11, 24, 10) {
      fieldConfig: {
        defaults: { unit: 'short' },
        overrides: [
          b.byName('Unit', [{ id: 'mappings', value: b.valueMap([['1', 'active', 'green'], ['0', 'down', 'red']]) }, b.cells('color-text')]),
          b.byName('State', [{ id: 'mappings', value: b.valueMap([[s[0], s[0], s[1]] for s in states]) }, b.cells('color-text')]),
          b.seconds('In state'),
          b.seconds('Heartbeat age'),
          b.seconds('Idle'),
        ] + [b.flag(f) for f in flags],
      },
      options: { showHeader: true, cellHeight: 'sm', sortBy: [{ displayName: 'agent', desc: false }] },
      targets: [
        b.instant('A', byAgent(a('fleet_agent_active')), format='table'),
        b.instant('B', byAgent(a('fleet_heartbeat_age_seconds')), format='table'),
        b.instant('C', byAgent('time() - ' + a('fleet_agent_last_activity_timestamp_seconds')), format='table'),
      ] + [
        b.instant(flagRefs[i], byAgent(a('fleet_agent_flag', 'flag="%s"' % flags[i])), format='table')
        for i in std.range(0, std.length(flags) - 1)
      ] + [
        b.instant('L', 'max by (tenant, host, agent, state) (%s == 1)' % a('fleet_agent_state'), format='table'),
        b.instant('M', byAgent(a('fleet_agent_state_seconds')), format='table'),
      ],
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, 'Value #L': true },
            indexByName: { tenant: 0, host: 1, agent: 2, state: 3, 'Value #M': 4 },
            renameByName: { 'Value #A': 'Unit', 'Value #B': 'Heartbeat age', 'Value #C': 'Idle', state: 'State', 'Value #M': 'In state' }
                          + { ['Value #' + flagRefs[i]]: flags[i] for i in std.range(0, std.length(flags) - 1) },
          },
        },
      ],
    },
  ]
)
