using System.Diagnostics;
using FleetExporter.Agents.State;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tests.Stack;
using Xunit.Abstractions;
using Member = FleetExporter.Tests.RealAgents.HookedFleet.Member;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// The spend alerts (rules/fleet-alerts.yml, group fleet-spend) with real Claude Codes counting their own usage
/// (hooks from `hooks install`), `fleet-exporter serve`, and a real Prometheus evaluating the rules file unchanged
/// but for the intervals (scrape and evaluation 1 s). The rules' `for:` (5m, 15m) is not waited out: an alert
/// counts once Prometheus holds it active (pending or firing) for the right agent; promtool covers `for:` itself
/// (rules/tests/spend.test.yml). Every agent spends once before Prometheus starts, so each of its series is already
/// there at the first scrape: `increase()` counts only what grows while Prometheus watches.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class RealAgentSpendAlertTests(ITestOutputHelper output)
{
    /// <summary>
    /// Claude Code 2.1.328 asks for claude-opus-5-5, which the shipped table does not price: the roster prices every
    /// Claude model as Claude Opus 5 (USD per million tokens). A response of the stub then costs about $0.001.
    /// </summary>
    private const string Prices = """
        prices:
          - { model: "claude-*", input: 5, output: 25, cache_read: 0.50, cache_write: 6.25 }
        """;

    /// <summary>The alerts of the fleet-spend group, as a regular expression of their names.</summary>
    private static readonly string SpendAlerts = string.Join("|", AlertRuleTests.Alerts(SpendGroup).Select(r => AlertRuleTests.Scalar(r, "alert")));

    private const string SpendGroup = "fleet-spend";

    /// <summary>A bound for a hang: two agents' starts of up to 90 s each on a loaded machine, and about a minute of test.</summary>
    private const int HangBound = 360_000;

    [RealAgentFact("claude", Timeout = HangBound)]
    public async Task An_agent_spending_far_over_its_budget_raises_the_budget_alerts_while_one_spending_within_its_budget_raises_nothing()
    {
        // spender may spend $0.0005 a day, its tenant $0.001; steady and its tenant $1.
        await using var fleet = await HookedFleet.StartAsync(AgentRuntime.Claude, output, Prices + """

            budgets:
              usd_per_day: 1
              tenants: { acme: 0.001, beta: 1 }
            """,
            new Member("spender", "tenant: acme, budget_usd_per_day: 0.0005"), new Member("steady", "tenant: beta"));
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", fleet.RosterPath]);
        foreach (var agent in new[] { "spender", "steady" }) await TurnAsync(fleet, agent, "hello", 1);
        await using var prometheus = await PrometheusServer.StartAsync(StackConfig.Prometheus(serve.Port, null, HookedAgent.Interval));
        var watched = Stopwatch.StartNew();
        await ScrapedAsync(prometheus, "fleet_agent_cost_usd_total", 2, serve.Output);

        // spender spends some $0.002 more while Prometheus watches (over twice its budget), steady some $0.001 (within its $1).
        await TurnAsync(fleet, "spender", "hello again", 2);
        await TurnAsync(fleet, "spender", "and again", 3);
        await TurnAsync(fleet, "steady", "hello again", 2);

        foreach (var (alert, labels) in new[]
                 {
                     ("FleetAgentOverBudget", "agent=\"spender\""), ("FleetAgentFarOverBudget", "agent=\"spender\""), ("FleetTenantOverBudget", "tenant=\"acme\""),
                 })
            await ActiveAsync(prometheus, alert, labels, serve.Output);
        var spent = await prometheus.QueryAsync("sum by (agent, model) (increase(fleet_agent_cost_usd_total[1d]))");
        output.WriteLine("spent as Prometheus saw it: " + string.Join(", ", spent.Select(s => $"{s.Labels["agent"]} ({s.Labels["model"]}) ${s.Value:0.00000}")));

        // steady spent while watched (so its silence is the rules' verdict, not a missing increase), and raised nothing.
        var steadySpent = await prometheus.WaitForAsync("increase(fleet_agent_cost_usd_total{agent=\"steady\"}[1d]) > 0", r => r.Count == 1, TimeSpan.FromSeconds(30));
        Assert.True(steadySpent.Count == 1, "Prometheus never saw steady spend");
        await prometheus.WaitForEvaluationAsync(SpendGroup, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        output.WriteLine($"steady spent ${steadySpent[0].Value:0.00000} while watched");
        await SilentAsync(prometheus, "agent=\"steady\"", watched.Elapsed);
        await SilentAsync(prometheus, "tenant=\"beta\"", watched.Elapsed);
        Assert.Empty(await prometheus.QueryAsync("count_over_time(ALERTS{alertname=\"FleetAgentSpendingWithoutProgress\"}[1h])"));
    }

    [RealAgentFact("claude", Timeout = HangBound)]
    public async Task An_agent_whose_turns_keep_ending_on_API_errors_while_it_spends_raises_the_no_progress_alert_while_an_idle_agent_raises_nothing()
    {
        await using var fleet = await HookedFleet.StartAsync(AgentRuntime.Claude, output, Prices + """

            budgets: { usd_per_day: 1 }
            """,
            new Member("looping"), new Member("idle"));
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", fleet.RosterPath]);
        foreach (var agent in new[] { "looping", "idle" }) await TurnAsync(fleet, agent, "hello", 1);
        await using var prometheus = await PrometheusServer.StartAsync(StackConfig.Prometheus(serve.Port, null, HookedAgent.Interval));
        var watched = Stopwatch.StartNew();
        await ScrapedAsync(prometheus, "fleet_agent_api_errors_total", 2, serve.Output);

        // The retry loop: a turn refused by the API (the stub's FAIL: a 400 no client retries, the turn ends in
        // StopFailure), one answered (tokens spent), and so on: three errors while tokens climb.
        for (var error = 1; error <= 3; error++)
        {
            await fleet["looping"].SubmitAsync("FAIL");
            await fleet.UntilAsync("looping", a => a.Usage?.Totals?.ApiErrors == error && a.State.Name == AgentStateName.Idle,
                $"counted API error {error}", TimeSpan.FromSeconds(40));
            if (error < 3) await TurnAsync(fleet, "looping", "try again", error + 1);
        }

        await ActiveAsync(prometheus, "FleetAgentSpendingWithoutProgress", "agent=\"looping\"", serve.Output);
        await SilentAsync(prometheus, "agent=\"idle\"", watched.Elapsed);
        Assert.Empty(await prometheus.QueryAsync("count_over_time(ALERTS{alertname=~\"Fleet(Agent|Tenant)(Far)?OverBudget\"}[1h])"));
    }

    /// <summary>Submits <paramref name="prompt"/> and waits until the agent's hooks have counted turn <paramref name="turn"/> and its responses.</summary>
    private static async Task TurnAsync(HookedFleet fleet, string agent, string prompt, long turn)
    {
        if (turn == 1)
            await fleet.UntilAsync(agent, a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after SessionStart");
        await fleet[agent].SubmitAsync(prompt);
        await fleet.UntilAsync(agent, a => a.Usage?.Totals is { } t && t.Turns == turn && t.Responses >= turn, $"counted turn {turn}", TimeSpan.FromSeconds(40));
    }

    /// <summary>Waits until Prometheus has scraped <paramref name="metric"/> of <paramref name="agents"/> agents.</summary>
    private static async Task ScrapedAsync(PrometheusServer prometheus, string metric, int agents, string exporterOutput)
    {
        var seen = await prometheus.WaitForAsync($"count(count by (agent) ({metric}))", r => r.Count == 1 && r[0].Value == agents, TimeSpan.FromSeconds(30));
        Assert.True(seen.Count == 1 && seen[0].Value == agents, $"Prometheus never scraped {metric} of {agents} agents; exporter output:\n{exporterOutput}");
    }

    /// <summary>Waits until Prometheus holds <paramref name="alert"/> active (pending: its `for:` runs; or firing) for the labels.</summary>
    private async Task ActiveAsync(PrometheusServer prometheus, string alert, string labels, string exporterOutput)
    {
        var active = await prometheus.WaitForAsync($"ALERTS{{alertname=\"{alert}\",{labels}}}", r => r.Count == 1, TimeSpan.FromSeconds(60));
        if (active.Count != 1)
        {
            var held = await prometheus.QueryAsync("{__name__=~\"fleet_agent_(cost_usd|api_errors|tokens)_total|fleet_(agent|tenant)_budget_usd_per_day\"}");
            Assert.Fail($"{alert} never active for {labels}; Prometheus holds:\n" +
                        string.Join("\n", held.Select(s => $"{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}")) + $"\nexporter output:\n{exporterOutput}");
        }
        output.WriteLine($"{alert} {active[0].Labels["alertstate"]} for {labels}");
    }

    /// <summary>
    /// Asserts that no alert of the fleet-spend group was active (pending or firing) for the labels since Prometheus
    /// started. Other groups are not this test's: with the tests' 1 s heartbeat a turn of a few seconds on a loaded
    /// machine is a stale heartbeat while it works (FleetHeartbeatStale pending), as RealAgentPagingTests shows.
    /// </summary>
    private async Task SilentAsync(PrometheusServer prometheus, string labels, TimeSpan since)
    {
        var window = $"{(int)Math.Ceiling(since.TotalSeconds) + 5}s";
        var raised = await prometheus.QueryAsync($"count_over_time(ALERTS{{{labels},alertname=~\"{SpendAlerts}\"}}[{window}])");
        Assert.True(raised.Count == 0, $"spend alerts for {labels}: " + string.Join(", ", raised.Select(r => $"{r.Labels["alertname"]} {r.Labels["alertstate"]}")));
        output.WriteLine($"no spend alert for {labels} in {window}");
    }
}
