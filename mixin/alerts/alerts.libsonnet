// prometheusAlerts: the rule groups, each rule completed from _config (severity, for:, runbook_url) and the
// disabled ones left out.
local groups = [
  { name: 'fleet-agents', rules: import 'agents.libsonnet' },
  { name: 'fleet-spend', rules: import 'spend.libsonnet' },
  { name: 'fleet-exporter', rules: import 'exporter.libsonnet' },
  { name: 'fleet-hosts', rules: import 'hosts.libsonnet' },
];

{
  local cfg = self._config,

  local complete(rule) = rule {
    'for': cfg.alerts[rule.alert]['for'],
    labels: { severity: cfg.alerts[rule.alert].severity } + std.get(rule, 'labels', {}),
    annotations+: { runbook_url: cfg.runbookURLBase + std.asciiLower(rule.alert) },
  },

  prometheusAlerts+:: {
    groups+: [
      {
        name: group.name,
        rules: [complete(rule) for rule in group.rules(cfg) if !std.member(cfg.disabledAlerts, rule.alert)],
      }
      for group in groups
    ],
  },
}
