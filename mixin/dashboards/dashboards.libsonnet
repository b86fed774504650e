// grafanaDashboards: the Fleet board, its variables (datasource, tenant, host, agent) and its panels.
local p = import '../lib/promql.libsonnet';

{
  local cfg = self._config,

  local variable(name, label, matchers) = {
    local definition = 'label_values(fleet_agent_info%s, %s)' % [p.braces([cfg.fleetSelector, matchers]), name],
    name: name,
    label: label,
    type: 'query',
    datasource: { type: 'prometheus', uid: '${datasource}' },
    definition: definition,
    query: { query: definition, refId: name },
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
    hide: 0,
    regex: '',
    options: [],
  },

  grafanaDashboards+:: {
    'fleet.json': {
      uid: cfg.dashboardUid,
      title: cfg.dashboardTitle,
      description: 'AI coding agents watched by fleet-exporter: units, tmux panes, heartbeats, resources and alerts.',
      tags: cfg.dashboardTags,
      timezone: cfg.dashboardTimezone,
      editable: false,
      graphTooltip: 1,
      refresh: cfg.dashboardRefresh,
      schemaVersion: 39,
      version: 1,
      time: { from: cfg.dashboardTimeFrom, to: 'now' },
      links: [{ title: 'Runbooks', type: 'link', url: cfg.runbooksURL, targetBlank: true }],
      annotations: { list: [] },
      templating: {
        list: [
          { name: 'datasource', label: 'Datasource', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, regex: '', options: [] },
          variable('tenant', 'Tenant', ''),
          variable('host', 'Host', 'tenant=~"$tenant"'),
          variable('agent', 'Agent', 'tenant=~"$tenant", host=~"$host"'),
        ],
      },
      panels: (import 'overview.libsonnet')(cfg) + (import 'activity.libsonnet')(cfg)
              + (import 'exporter.libsonnet')(cfg) + (import 'spend.libsonnet')(cfg),
    },
  },
}
