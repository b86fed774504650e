// What the agents spend: by tenant, the top spenders, tokens, context fill, API errors.
local p = import '../lib/promql.libsonnet';
local b = import 'panels.libsonnet';

function(cfg) (
  local a(name) = b.agents(cfg, name);
  local dollars = { unit: 'currencyUSD', decimals: 2, noValue: 'nothing spent', thresholds: b.oneColour('green') };
  [
    b.bargauge(19, 'Spend by tenant, last 24 hours',
               "What each tenant's agents cost in the last 24 hours at list prices (fleet_agent_cost_usd_total; models without a price are left out: see FleetModelWithoutPrice). FleetTenantOverBudget fires past the tenant's daily budget.",
               [0, 58, 8, 8],
               b.instant('A', 'sort_desc(sum by (tenant) (increase(%s[1d])))' % a('fleet_agent_cost_usd_total'), '{{tenant}}'),
               dollars),
    b.bargauge(20, 'Top spenders, last 24 hours',
               'The ten agents that cost most in the last 24 hours at list prices, against nothing: compare with their budgets (fleet_agent_budget_usd_per_day; FleetAgentOverBudget, FleetAgentFarOverBudget).',
               [8, 58, 16, 8],
               b.instant('A', 'topk(10, sum by (tenant, host, agent) (increase(%s[1d])))' % a('fleet_agent_cost_usd_total'), '{{agent}} ({{tenant}}, {{host}})'),
               dollars),
    b.timeseries(21, 'Tokens per minute',
                 "Tokens each agent's model responses used per minute, by type (input not from a cache, output, cache reads and writes, reasoning), from its own transcripts (fleet_agent_tokens_total). A line that climbs all night is an agent in a loop.",
                 [0, 66, 12, 8], 'short',
                 [b.range('A', 'sum by (agent, type) (rate(%s[5m])) * 60' % a('fleet_agent_tokens_total'), '{{agent}} {{type}}')]),
    b.timeseries(22, 'Context fill',
                 "How full each agent's context was at its last request, as a share of its model's window, where the runtime reports the window (Codex). FleetAgentContextNearlyFull notifies past %s%%." % p.num(cfg.contextFullRatio * 100),
                 [12, 66, 12, 8], 'percentunit',
                 [b.range('A', '%s / %s' % [a('fleet_agent_context_tokens'), a('fleet_agent_context_window_tokens')], '{{agent}} ({{model}})')],
                 { min: 0, max: 1 }),
    b.timeseries(23, 'API errors per hour',
                 'Turns that ended on an API error in the last hour, per agent (fleet_agent_api_errors_total). Errors while tokens still climb are the retry loop that FleetAgentSpendingWithoutProgress pages for.',
                 [0, 74, 24, 7], 'short',
                 [b.range('A', 'sum by (agent) (increase(%s[1h]))' % a('fleet_agent_api_errors_total'), '{{agent}}')]),
  ]
)
