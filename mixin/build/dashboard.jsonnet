// grafana/dashboards/fleet.json: `jsonnet mixin/build/dashboard.jsonnet` (scripts/mixin does it). Another mixin (the
// shipped one with _config overridden) can be given as a top-level argument, as for build/rules.jsonnet.
function(mixin=(import '../mixin.libsonnet')) mixin.grafanaDashboards['fleet.json']
