// rules/fleet-alerts.yml: `jsonnet -S mixin/build/rules.jsonnet` (scripts/mixin does it). Written out by hand rather
// than with std.manifestYamlDoc so that each rule reads in the usual order (alert, expr, for, labels, annotations)
// and every expression is a block, as people write them. Another mixin (the shipped one with _config overridden)
// can be given as a top-level argument: --tla-code 'mixin=(import "mixin/mixin.libsonnet") + { _config+:: {...} }'.
function(mixin=(import '../mixin.libsonnet'))

// Names, durations and label values are written plain; text (annotations) is quoted, so that its colons and
// braces stay text. (A character-by-character check is minutes in the C++ jsonnet.)
local plainKeys = ['alert', 'for', 'name', 'severity', 'scope'];
local scalar(key, s) = if std.member(plainKeys, key) then s else std.escapeStringJson(s);
local block(s, indent) =
  local text = if std.endsWith(s, '\n') then std.substr(s, 0, std.length(s) - 1) else s;
  '|-\n' + std.join('\n', [indent + line for line in std.split(text, '\n')]);
local first = ['severity', 'scope', 'summary', 'description', 'runbook_url'];
local ordered(o) = [k for k in first if std.objectHas(o, k)] + [k for k in std.objectFields(o) if !std.member(first, k)];
local orderedMap(name, o, indent) =
  indent + name + ':\n' + std.join('', [indent + '  ' + k + ': ' + scalar(k, o[k]) + '\n' for k in ordered(o)]);

local rule(r) =
  '      - alert: ' + r.alert + '\n' +
  '        expr: ' + block(r.expr, '          ') + '\n' +
  '        for: ' + r['for'] + '\n' +
  orderedMap('labels', r.labels, '        ') +
  orderedMap('annotations', r.annotations, '        ');

local group(g) =
  '  - name: ' + g.name + '\n' +
  '    rules:\n' +
  std.join('\n', [rule(r) for r in g.rules]);

|||
  # Generated from mixin/ (fleet-exporter's monitoring mixin) by scripts/mixin: do not edit. Change mixin/ (or, in
  # your own jsonnet, override _config: mixin/README.md) and run scripts/mixin; the tests fail when this file and
  # the mixin's output differ. Why each threshold and `for:` is what it is: the comments in mixin/alerts/.
  # Metric names and labels: docs/metrics.md; one runbook section per alert: docs/runbooks.md.
  # Severity: critical pages a human now, warning opens a ticket, notify tells a human in working hours (never
  # pages at night), info is for the board and inhibitions only.
  # `scope: host` marks a failure of a whole host (its tmux server, its exporter): Alertmanager sends it as one page
  # per host and holds back that host's per-agent alerts meanwhile (deploy/alertmanager/alertmanager.yml).
  # The gauge rules read each series' last sample of the last %s (`last_over_time`) rather than its instant value:
  # a failed scrape marks a target's series stale, and one empty evaluation would start a pending `for:` again.
  groups:
||| % mixin._config.lookback +
std.join('\n', [group(g) for g in mixin.prometheusAlerts.groups])
