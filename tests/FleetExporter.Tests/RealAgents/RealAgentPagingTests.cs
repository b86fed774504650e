using FleetExporter.Agents.State;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tests.Stack;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Who gets paged, with a real Claude Code (hooks from `hooks install`) and the real pipeline: `fleet-exporter
/// serve`, Prometheus evaluating rules/fleet-alerts.yml unchanged, Alertmanager routing with
/// deploy/alertmanager/alertmanager.yml and a webhook for every receiver. Only intervals are short (heartbeat,
/// scrape and evaluation 1 s, group_wait 1 s); the rule's `for:` is kept.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[WaitsOnTheClock]
[RunsLong]
public sealed class RealAgentPagingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(1);

    [RealAgentFact("claude", Timeout = 480_000)]
    public async Task An_idle_Claude_Code_silent_for_longer_than_a_page_needs_pages_nobody_while_its_hung_turn_pages()
    {
        await using var webhook = new WebhookReceiver();
        var alertmanagerYaml = StackConfig.Alertmanager(webhook.Port, GroupWait);
        await using var alertmanager = await AlertmanagerServer.StartAsync(alertmanagerYaml);
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", rig.Roster.SourcePath!]);
        var agent = HookedAgent.AgentName;
        var interval = HookedAgent.Interval;
        var staleFor = StackConfig.For("FleetHeartbeatStale");

        // A turn that ends: the agent is idle, and from then on only an idle_prompt notification may beat again.
        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after SessionStart");
        await rig.Agent.SubmitAsync("hello");
        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook } && a.Heartbeat.Hook?.Prompt is not null,
            "idle (hook) after the answer", TimeSpan.FromSeconds(40));
        await using var prometheus = await PrometheusServer.StartAsync(StackConfig.Prometheus(serve.Port, alertmanager.Port, interval));

        // Silent for longer than a stale heartbeat takes to fire (3 intervals, then `for:`), as Prometheus saw it.
        var silence = 3 * interval + staleFor + TimeSpan.FromSeconds(5);
        var quiet = await prometheus.WaitForAsync(
            $"fleet_heartbeat_age_seconds{{agent=\"{agent}\"}} > {silence.TotalSeconds} and on (agent) fleet_agent_state{{agent=\"{agent}\",state=\"idle\"}} == 1",
            r => r.Count == 1, TimeSpan.FromSeconds(200));
        Assert.True(quiet.Count == 1, $"the idle agent was never silent for {silence.TotalSeconds} s while idle; exporter output:\n{serve.Output}");
        var window = $"{(int)Math.Ceiling(silence.TotalSeconds) + 30}s";
        var idleAlerts = await prometheus.QueryAsync($"count_over_time(ALERTS{{agent=\"{agent}\",alertname=\"FleetHeartbeatStale\"}}[{window}])");
        Assert.True(idleAlerts.Count == 0, "an idle agent had a stale-heartbeat alert (pending or firing)");
        Assert.DoesNotContain(webhook.Received, n => n.Receiver == "page");
        output.WriteLine($"idle and silent for {quiet[0].Value:0.0} s: no alert, no page");

        // A turn the model never answers: working, silent, and paged within the bound from its last beat.
        await rig.Agent.SubmitAsync("HANG");
        var hung = await rig.UntilAsync(a => a.State.Name == AgentStateName.Working && a.Heartbeat.Hook?.State == AgentStateName.Working, "working on the hung turn");
        await AssertPagedWhileWorkingAsync(webhook, alertmanagerYaml, prometheus, hung.Heartbeat.Timestamp!.Value, "the hung turn", serve.Output);

        await rig.Agent.PressAsync("Escape");
    }

    /// <summary>
    /// Claude Code 2.1.328 runs a subagent in the background: the main turn ends (Stop) and its box is idle at once.
    /// One that hangs (the stub never answers its request) keeps the agent working, from the Stop's own list of
    /// running background tasks, and pages as a hung turn does; the screen, which shows the idle box, does not hide it.
    /// </summary>
    [RealAgentFact("claude", Timeout = 480_000)]
    public async Task A_hung_background_subagent_keeps_Claude_Code_working_and_pages()
    {
        await using var webhook = new WebhookReceiver();
        var alertmanagerYaml = StackConfig.Alertmanager(webhook.Port, GroupWait);
        await using var alertmanager = await AlertmanagerServer.StartAsync(alertmanagerYaml);
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", rig.Roster.SourcePath!]);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle");
        await using var prometheus = await PrometheusServer.StartAsync(StackConfig.Prometheus(serve.Port, alertmanager.Port, HookedAgent.Interval));

        await rig.Agent.SubmitAsync("SUBAGENT: look at the logs");
        var background = await rig.UntilAsync(a => a.Heartbeat.Hook is { Event: "Stop", Subagents.Count: > 0 }, "the main turn's Stop with a subagent running",
            TimeSpan.FromSeconds(40));
        Assert.Equal(AgentStateName.Working, background.State.Name);
        Assert.True(FleetExporter.Roster.BuiltInRuntimes.All["claude"].States.ShowsEmptyInput(await rig.Agent.CaptureAsync()), "the main box is not idle");
        await AssertPagedWhileWorkingAsync(webhook, alertmanagerYaml, prometheus, background.Heartbeat.Timestamp!.Value, "the hung subagent", serve.Output);
    }

    /// <summary>
    /// The agent's silence since <paramref name="lastBeat"/> pages (FleetHeartbeatStale to the page receiver) within
    /// 3 intervals + the rule's `for:` + scrape, scrape timeout and evaluation + group_wait, and it is working meanwhile.
    /// </summary>
    private async Task AssertPagedWhileWorkingAsync(WebhookReceiver webhook, string alertmanagerYaml, PrometheusServer prometheus,
        DateTimeOffset lastBeat, string what, string exporterOutput)
    {
        var agent = HookedAgent.AgentName;
        var interval = HookedAgent.Interval;
        var bound = 3 * interval + StackConfig.For("FleetHeartbeatStale") + 3 * interval + StackConfig.GroupWait(alertmanagerYaml);
        var page = await webhook.WaitForAsync(
            n => n.Status == "firing" && n.Alerts.Any(a => Label(a, "alertname") == "FleetHeartbeatStale" && Label(a, "agent") == agent),
            bound + TimeSpan.FromSeconds(60));
        Assert.True(page is not null, $"{what} was never paged; exporter output:\n{exporterOutput}");
        Assert.Equal("page", page.Receiver);
        output.WriteLine($"{what}'s last beat -> page: {(page.ReceivedAt - lastBeat).TotalSeconds:0.0} s (bound {bound.TotalSeconds:0} s)");
        Assert.Equal("working", Assert.Single(await prometheus.QueryAsync($"fleet_agent_state{{agent=\"{agent}\"}} == 1")).Labels["state"]);
    }

    private static string? Label(System.Text.Json.Nodes.JsonObject alert, string name) => alert["labels"]?[name]?.GetValue<string>();
}
