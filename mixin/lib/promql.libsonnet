// PromQL text built from the mixin's _config: selectors that put the user's matchers beside the rule's own.
{
  // '{a, b}' of the non-empty matcher lists given, or '' when all are empty (a bare metric name).
  braces(lists):: (
    local parts = std.filter(function(s) s != '', lists);
    if std.length(parts) == 0 then '' else '{' + std.join(', ', parts) + '}'
  ),

  // A fleet_* series: its own matchers (e.g. 'state="waiting"') and the configured fleetSelector.
  series(cfg, name, matchers=''):: name + self.braces([matchers, cfg.fleetSelector]),

  // The same series' last sample within the lookback (see config.libsonnet: a failed scrape must not reset a for:).
  last(cfg, name, matchers=''):: 'last_over_time(%s[%s])' % [self.series(cfg, name, matchers), cfg.lookback],

  // Prometheus's `up` of the exporters' job.
  up(cfg):: 'up' + self.braces([cfg.exporterSelector]),

  // A threshold as PromQL writes it: 0.9, not 0.90000000000000002.
  num(x):: '%g' % x,

  // '5m' as words for annotations: '5 minutes', '1 minute', '2 hours', '30 seconds'.
  words(duration):: (
    local units = { s: 'second', m: 'minute', h: 'hour', d: 'day' };
    local n = std.substr(duration, 0, std.length(duration) - 1);
    local unit = units[duration[std.length(duration) - 1]];
    n + ' ' + unit + (if n == '1' then '' else 's')
  ),
}
