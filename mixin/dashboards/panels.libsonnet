// Builders for the board's panels: every panel and query reads the board's datasource variable, and the options
// that all panels of one kind share are written once here.
local p = import '../lib/promql.libsonnet';
local ds = { type: 'prometheus', uid: '${datasource}' };
local reduce = { calcs: ['lastNotNull'], fields: '', values: false };

{
  // A series of the agents the board's tenant, host and agent variables select.
  agents(cfg, name, matchers=''):: name + p.braces([matchers, cfg.fleetSelector, 'tenant=~"$tenant", host=~"$host", agent=~"$agent"']),
  // A series of the exporters on the selected hosts.
  hosts(cfg, name):: name + p.braces([cfg.fleetSelector, 'host=~"$host"']),

  // A query: instant (a stat, a table, a bar) or over the board's time range (a graph).
  instant(refId, expr, legend=null, format=null):: { refId: refId, datasource: ds, expr: expr, range: false, instant: true }
                                                   + (if legend == null then {} else { legendFormat: legend })
                                                   + (if format == null then {} else { format: format }),
  range(refId, expr, legend):: { refId: refId, datasource: ds, expr: expr, range: true, instant: false, legendFormat: legend },

  panel(id, type, title, description, x, y, w, h):: {
    id: id, type: type, title: title, description: description, datasource: ds, gridPos: { x: x, y: y, w: w, h: h },
  },

  // A number (or a few) on a coloured background.
  stat(id, title, description, pos, targets, defaults, options={}, overrides=[]):: $.panel(id, 'stat', title, description, pos[0], pos[1], pos[2], pos[3]) {
    fieldConfig: { defaults: { unit: 'short' } + defaults, overrides: overrides },
    options: { reduceOptions: reduce, colorMode: 'background', graphMode: 'none', textMode: 'value' } + options,
    targets: targets,
  },

  // Green until the count reaches 1, red from there: a count of agents in trouble.
  troubleSteps:: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 1 }] },
  oneColour(colour):: { mode: 'absolute', steps: [{ color: colour, value: null }] },

  // Horizontal bars, longest first.
  bargauge(id, title, description, pos, target, defaults):: $.panel(id, 'bargauge', title, description, pos[0], pos[1], pos[2], pos[3]) {
    fieldConfig: { defaults: { min: 0, color: { mode: 'thresholds' } } + defaults, overrides: [] },
    options: { reduceOptions: reduce, orientation: 'horizontal', displayMode: 'gradient', showUnfilled: true, valueMode: 'color', namePlacement: 'left' },
    targets: [target],
  },

  // Lines over time with a legend table of last values.
  timeseries(id, title, description, pos, unit, targets, defaults={}, overrides=[]):: $.panel(id, 'timeseries', title, description, pos[0], pos[1], pos[2], pos[3]) {
    fieldConfig: { defaults: { unit: unit } + defaults, overrides: overrides },
    options: { legend: { displayMode: 'table', placement: 'right', calcs: ['lastNotNull'] }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: targets,
  },

  // Field overrides of a table or stat.
  byName(name, properties):: { matcher: { id: 'byName', options: name }, properties: properties },
  fixedColour(name, colour):: $.byName(name, [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }]),
  // Values shown as words in their colours: [[value, text or null, colour], ...] (a word, not colour alone).
  valueMap(entries):: [{
    type: 'value',
    options: {
      [e[0]]: (if e[1] == null then {} else { text: e[1] }) + { color: e[2], index: i }
      for i in std.range(0, std.length(entries) - 1)
      for e in [entries[i]]
    },
  }],
  cells(type):: { id: 'custom.cellOptions', value: { type: type } },
  seconds(name):: $.byName(name, [{ id: 'unit', value: 's' }]),
  // A flag column: its name in red when raised, a dash otherwise.
  flag(name):: $.byName(name, [{ id: 'mappings', value: $.valueMap([['1', name, 'red'], ['0', '-', 'transparent']]) }, $.cells('color-background')]),
}
