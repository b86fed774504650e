// fleet-exporter's monitoring mixin: prometheusAlerts, prometheusRules and grafanaDashboards from one _config.
// Import it and override _config (README.md); rules/ and grafana/dashboards/ of the repository are its output.
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'dashboards/dashboards.libsonnet') +
{
  // No recording rules yet: every expression reads the exporter's series directly.
  prometheusRules+:: { groups+: [] },
}
