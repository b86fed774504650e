// What the agents spend (docs/usage.md): budgets, runaway spending, a retry loop, a full context, an unpriced model.
local p = import '../lib/promql.libsonnet';

function(cfg) (
  local forWords(name) = p.words(cfg.alerts[name]['for']);
  local who = 'Agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }})';
  local cost = p.series(cfg, 'fleet_agent_cost_usd_total');
  local spentByAgent = 'sum by (tenant, host, agent) (increase(%s[1d]))' % cost;
  local agentBudget = 'max by (tenant, host, agent) (%s)' % p.series(cfg, 'fleet_agent_budget_usd_per_day');
  local spent = '${{ $value | printf "%.2f" }}';
  local farTimes = if cfg.farOverBudgetFactor == 2 then 'twice' else '%s times' % p.num(cfg.farOverBudgetFactor);
  [
    // What an agent spent over the last 24 hours at list prices (docs/usage.md), against its daily budget
    // (fleet_agent_budget_usd_per_day, from the roster). A sliding day, not a calendar one: it fires as soon as
    // any 24 hours cost more. Cost only grows, so the condition cannot flap; 5m lets a scrape or two confirm it.
    // A ticket: nobody needs waking for money already spent within twice the budget.
    {
      alert: 'FleetAgentOverBudget',
      expr: |||
        %s
          > on (tenant, host, agent) %s
      ||| % [spentByAgent, agentBudget],
      annotations: {
        summary: 'Agent {{ $labels.agent }} spent %s in the last 24 hours, over its daily budget.' % spent,
        description: '%s spent %s at list prices in the last 24 hours, more than its budget (fleet_agent_budget_usd_per_day).' % [who, spent],
      },
    },

    // Twice the daily budget: spending has run away (a retry loop, a task that never ends), and every hour costs
    // more. Pages; 5m as above.
    {
      alert: 'FleetAgentFarOverBudget',
      expr: |||
        %s
          > on (tenant, host, agent) %s * %s
      ||| % [spentByAgent, p.num(cfg.farOverBudgetFactor), agentBudget],
      annotations: {
        summary: 'Agent {{ $labels.agent }} spent %s in the last 24 hours, over %s its daily budget.' % [spent, farTimes],
        description: '%s spent %s at list prices in the last 24 hours, more than %s its budget: spending has run away.' % [who, spent, farTimes],
      },
    },

    // A tenant's agents together, on every host, against the tenant's daily budget (fleet_tenant_budget_usd_per_day,
    // which each host's roster should set alike: max takes the largest if they differ).
    {
      alert: 'FleetTenantOverBudget',
      expr: |||
        sum by (tenant) (increase(%s[1d]))
          > on (tenant) max by (tenant) (%s)
      ||| % [cost, p.series(cfg, 'fleet_tenant_budget_usd_per_day')],
      annotations: {
        summary: 'Tenant {{ $labels.tenant }} spent %s in the last 24 hours, over its daily budget.' % spent,
        description: "The agents of tenant {{ $labels.tenant }}, on every host, spent %s at list prices in the last 24 hours, more than the tenant's budget (fleet_tenant_budget_usd_per_day)." % spent,
      },
    },

    // The retry loop: turns keep ending on API errors while tokens keep being spent, so the agent pays for work
    // that goes nowhere (a headless loop once spent hundreds of dollars in a night with nobody told). Three errors
    // in 30 minutes is more than a passing overload; 15m of it is a loop, not a blip. Pages: it costs money by the hour.
    {
      alert: 'FleetAgentSpendingWithoutProgress',
      expr: |||
        increase(%s[%s]) >= %s
          and on (tenant, host, agent) sum by (tenant, host, agent) (increase(%s[%s])) > 0
      ||| % [p.series(cfg, 'fleet_agent_api_errors_total'), cfg.apiErrorsWindow, p.num(cfg.apiErrorsThreshold), p.series(cfg, 'fleet_agent_tokens_total'), cfg.apiErrorsWindow],
      annotations: {
        summary: 'Agent {{ $labels.agent }} keeps spending while its turns end on API errors.',
        description: '{{ $value | humanize }} turns of agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }}) ended on an API error in the last %s while it kept spending tokens, for %s: a retry loop.' % [p.words(cfg.apiErrorsWindow), forWords('FleetAgentSpendingWithoutProgress')],
      },
    },

    // The context nearly full (90% of the window the runtime reports): the agent will soon compact or fail its
    // requests. Nothing is broken yet: notify, in working hours; 5m lets one large request pass.
    {
      alert: 'FleetAgentContextNearlyFull',
      expr: |||
        %s / %s > %s
      ||| % [p.series(cfg, 'fleet_agent_context_tokens'), p.series(cfg, 'fleet_agent_context_window_tokens'), p.num(cfg.contextFullRatio)],
      annotations: {
        summary: "Agent {{ $labels.agent }}'s context is {{ $value | humanizePercentage }} full.",
        description: "At its last request, agent {{ $labels.agent }} (tenant {{ $labels.tenant }}, host {{ $labels.host }}) had {{ $value | humanizePercentage }} of its model's context window ({{ $labels.model }}) in use.",
      },
    },

    // A model without a price: its tokens are counted but cost nothing in fleet_agent_cost_usd_total, so budgets
    // under-count it. A ticket to price it in the roster; 15m ignores a model tried for a moment.
    {
      alert: 'FleetModelWithoutPrice',
      expr: '%s == 0' % p.last(cfg, 'fleet_agent_model_priced'),
      annotations: {
        summary: 'Agent {{ $labels.agent }} uses {{ $labels.model }}, which has no price.',
        description: "%s spends tokens on model {{ $labels.model }}, which neither the roster's prices nor the shipped table price: its cost and budgets leave it out." % who,
      },
    },
  ]
)
