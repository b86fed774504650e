// What a user of the mixin may change without editing the rules or the board: override `_config` where the mixin
// is imported (see README.md), and the generated rules and board follow.
{
  _config+:: {
    // The scrape job of the exporters, used where only Prometheus's own `up` can say something (an exporter down
    // or absent) and on the board's "Exporters up".
    exporterSelector: 'job="fleet"',
    // Added to every fleet_* series in the rules and on the board, e.g. 'cluster="prod"' where one Prometheus holds
    // several fleets. Empty by default: the fleet_ metric names belong to fleet-exporter alone.
    fleetSelector: '',

    // A failed scrape marks a target's series stale, and a pending alert whose expression returns nothing for one
    // evaluation starts its `for:` again; the gauge rules read each series' last sample of this range instead of
    // its instant value (two failed scrapes at a 1m interval).
    lookback: '3m',

    // FleetHeartbeatStale: a heartbeat older than this many intervals.
    heartbeatStaleIntervals: 3,
    // FleetAgentWaitingForHuman: seconds blocked on a human.
    waitingForHumanSeconds: 600,
    // FleetAgentRestarting: more restarts than this in the window.
    restartsThreshold: 3,
    restartsWindow: '30m',
    // FleetAgentFarOverBudget: this many times the daily budget.
    farOverBudgetFactor: 2,
    // FleetAgentSpendingWithoutProgress: at least this many turns ended on an API error in the window.
    apiErrorsThreshold: 3,
    apiErrorsWindow: '30m',
    // FleetAgentContextNearlyFull: share of the context window in use.
    contextFullRatio: 0.9,

    // Each alert's severity and `for:` (the reason for each duration is next to its rule in alerts/). Severities:
    // critical pages a human now, warning opens a ticket, notify tells a human in working hours, info is for the
    // board and inhibitions only (deploy/alertmanager/alertmanager.yml routes them).
    alerts: {
      FleetHeartbeatStale: { severity: 'critical', 'for': '1m' },
      FleetAgentWaitingForHuman: { severity: 'notify', 'for': '1m' },
      FleetHeartbeatMissing: { severity: 'warning', 'for': '5m' },
      FleetHeartbeatInvalid: { severity: 'warning', 'for': '5m' },
      FleetAgentDown: { severity: 'warning', 'for': '5m' },
      FleetAgentDrift: { severity: 'warning', 'for': '10m' },
      FleetBootEnableMissing: { severity: 'warning', 'for': '30m' },
      FleetAgentSessionMissing: { severity: 'warning', 'for': '5m' },
      FleetAgentPaneDead: { severity: 'warning', 'for': '5m' },
      FleetAgentRestarting: { severity: 'info', 'for': '5m' },
      FleetAgentOverBudget: { severity: 'warning', 'for': '5m' },
      FleetAgentFarOverBudget: { severity: 'critical', 'for': '5m' },
      FleetTenantOverBudget: { severity: 'warning', 'for': '5m' },
      FleetAgentSpendingWithoutProgress: { severity: 'critical', 'for': '15m' },
      FleetAgentContextNearlyFull: { severity: 'notify', 'for': '5m' },
      FleetModelWithoutPrice: { severity: 'warning', 'for': '15m' },
      FleetCollectorFailing: { severity: 'warning', 'for': '10m' },
      FleetExporterNoAgents: { severity: 'warning', 'for': '15m' },
      FleetExporterDown: { severity: 'critical', 'for': '5m' },
      FleetExporterAbsent: { severity: 'critical', 'for': '5m' },
      FleetTmuxServerDown: { severity: 'critical', 'for': '2m' },
    },
    // Alerts left out of prometheusAlerts, by name (e.g. ['FleetAgentContextNearlyFull']).
    disabledAlerts: [],

    // Each alert's runbook_url is this base followed by the alert's name in lower case.
    runbookURLBase: 'https://github.com/fleet-exporter/fleet-exporter/blob/main/docs/runbooks.md#',

    // The board.
    dashboardUid: 'fleet-exporter-fleet',
    dashboardTitle: 'Fleet',
    dashboardTags: ['fleet', 'fleet-exporter'],
    dashboardRefresh: '30s',
    dashboardTimeFrom: 'now-3h',
    dashboardTimezone: 'browser',
    runbooksURL: 'https://github.com/fleet-exporter/fleet-exporter/blob/main/docs/runbooks.md',
  },
}
