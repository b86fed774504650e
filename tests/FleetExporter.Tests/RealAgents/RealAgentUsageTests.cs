using System.Text.Json.Nodes;
using FleetExporter.Agents.State;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// What a real agent spent, as its hooks count it from its own transcript, against what the model stub sent it:
/// the stub answers every request with usage of its own (tests/agents/model-stub.py logs each to stub.log.usage).
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class RealAgentUsageTests(ITestOutputHelper output)
{
    [RealAgentFact("claude")]
    public async Task Claude_Codes_tokens_are_counted_exactly_once_as_the_stub_sent_them_over_turns_a_tool_call_and_an_API_error()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Claude, output);
        await rig.UntilAsync(a => a.State is { Name: AgentStateName.Idle, Source: StateSource.Hook }, "idle after SessionStart");

        await rig.Agent.SubmitAsync("hello there");
        await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "Stop", "the first turn's Stop", TimeSpan.FromSeconds(40));
        // A tool call: the response asking for it, then the one after its result.
        var file = Path.Combine(rig.Agent.Paths.Work, "x");
        await rig.Agent.SubmitAsync("TOOL:touch x");
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Waiting, "waiting on the permission prompt", TimeSpan.FromSeconds(30));
        const string dialog = "Do you want to proceed?";
        for (var attempt = 0; attempt < 4 && (await rig.Agent.CaptureAsync()).Contains(dialog, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(1000);   // a dialog ignores keys for a moment after it is drawn
            await rig.Agent.PressAsync("Enter");
            await TmuxServer.EventuallyAsync(async () => !(await rig.Agent.CaptureAsync()).Contains(dialog, StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        }
        await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "Stop" && File.Exists(file), "the tool's turn ended", TimeSpan.FromSeconds(40));
        // An API error (the stub refuses the request): Claude Code writes it as a response no model gave.
        await rig.Agent.SubmitAsync("FAIL");
        await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "StopFailure", "the StopFailure hook", TimeSpan.FromSeconds(40));
        // /clear starts a new transcript; the counts go on.
        await rig.Agent.SubmitAsync("/clear");
        await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "SessionStart", "the SessionStart of /clear", TimeSpan.FromSeconds(30));
        await rig.Agent.SubmitAsync("and again");
        var last = await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "Stop" && a.Usage?.Totals?.Responses >= 4, "the turn after /clear counted", TimeSpan.FromSeconds(40));

        var sent = StubUsage(rig.Agent.Paths.StubLog + ".usage");
        var transcript = Directory.EnumerateFiles(Path.Combine(rig.Agent.Paths.Home, ".claude", "projects"), "*.jsonl", SearchOption.AllDirectories).ToList();
        output.WriteLine("stub sent:\n" + string.Join("\n", sent.Select(s => s.ToJsonString())));
        foreach (var t in transcript) output.WriteLine($"transcript {t}:\n{File.ReadAllText(t)}");
        var totals = last.Usage!.Totals!;
        output.WriteLine("counted: " + string.Join(", ", totals.Tokens.Select(kv => $"{kv.Key.Model}/{kv.Key.Type}={kv.Value}")) + $" responses {totals.Responses}");

        // The responses of the conversation: the ones whose message id the transcript holds (Claude Code also asks
        // the model for things it never writes down, such as a title for the session).
        var text = string.Concat(transcript.Select(File.ReadAllText));
        var conversation = sent.Where(s => text.Contains((string)s["id"]!, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(conversation);
        AssertCounted(conversation, totals);
        Assert.Equal(conversation.Count, totals.Responses);
        // From its hooks: three turns ended (hello, the tool's, the one after /clear), one on an API error, one tool ran.
        Assert.Equal((3L, 1L, 1L), (totals.Turns, totals.ApiErrors, totals.ToolCalls.GetValueOrDefault("succeeded")));
    }

    [RealAgentFact("codex")]
    public async Task Codexs_tokens_are_counted_exactly_as_the_stub_sent_them_with_its_context_window()
    {
        // The session's requests are the ones with tools; Codex also asks for a title, which it does not count.
        var (sent, totals) = await TwoTurnsAsync(AgentRuntime.Codex, "Stop");
        var model = (string)sent[^1]["model"]!;
        Assert.Equal([model], totals.Tokens.Keys.Select(k => k.Model).Distinct());
        Assert.Equal((model, (long)sent[^1]["input"]! + (long)sent[^1]["cache_read"]!), totals.Context);
        Assert.True(totals.ContextWindow is (_, > 0), $"no context window: {totals.ContextWindow}");
    }

    [RealAgentFact("codex")]
    public async Task Codex_reports_its_accounts_rate_limits_as_the_API_last_sent_them()
    {
        await using var rig = await HookedAgent.StartAsync(AgentRuntime.Codex, output);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle", TimeSpan.FromSeconds(30));
        await rig.Agent.SubmitAsync("hello there");
        var last = await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == "Stop" && a.Usage?.Totals?.RateLimits.Count > 0, "the turn's rate limits counted", TimeSpan.FromSeconds(40));

        // The stub sends different windows on every response (the title's too): the rollout keeps the turn's last.
        var sent = File.ReadAllLines(rig.Agent.Paths.StubLog + ".limits").Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        output.WriteLine("stub sent:\n" + string.Join("\n", sent.Select(s => s.ToJsonString())));
        var limits = last.Usage!.Totals!.RateLimits;
        Assert.Contains(sent, s => RateLimitWindow.Names.All(w =>
            limits.SingleOrDefault(l => l.Window == w) is { } l && l.UsedPercent == (double)s[w]!["used_percent"]!
            && l.WindowMinutes == (long)s[w]!["window_minutes"]! && l.ResetsAt == DateTimeOffset.FromUnixTimeSeconds((long)s[w]!["resets_at"]!)));
    }

    [RealAgentFact("gemini")]
    public async Task Gemini_CLIs_tokens_are_counted_exactly_as_the_stub_sent_them()
    {
        // The CLI's JSON side requests (model router, next speaker) are not recorded, nor counted.
        var (_, totals) = await TwoTurnsAsync(AgentRuntime.Gemini, "AfterAgent");
        Assert.Null(totals.ContextWindow);
    }

    [RealAgentFact("pi")]
    public async Task Pis_tokens_and_its_own_recorded_cost_are_counted_exactly_as_the_stub_sent_them()
    {
        var (sent, totals) = await TwoTurnsAsync(AgentRuntime.Pi, "agent_end");
        // pi prices each response itself (the test's models.json gives the stub model a price): that cost is exported.
        var expected = sent.Sum(s => ((long)s["input"]! * RealAgent.PiPrice.Input + (long)s["output"]! * RealAgent.PiPrice.Output
                                      + (long)s["cache_read"]! * RealAgent.PiPrice.CacheRead + (long)s["cache_write"]! * RealAgent.PiPrice.CacheWrite) / 1e6);
        var model = Assert.Single(totals.Tokens.Keys.Select(k => k.Model).Distinct());
        Assert.Equal(expected, FleetExporter.Usage.PriceTable.Default.Cost(totals, model)!.Value, 9);
    }

    /// <summary>Two plain turns; asserts the counts equal what the stub sent for the conversation's requests, and returns both.</summary>
    private async Task<(List<JsonObject> Sent, UsageTotals Totals)> TwoTurnsAsync(AgentRuntime runtime, string turnEnd)
    {
        await using var rig = await HookedAgent.StartAsync(runtime, output);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle", TimeSpan.FromSeconds(30));
        await rig.Agent.SubmitAsync("hello there");
        await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == turnEnd && a.Usage?.Totals?.Responses >= 1, "the first turn counted", TimeSpan.FromSeconds(40));
        await rig.Agent.SubmitAsync("and again");
        var last = await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == turnEnd && a.Usage?.Totals?.Responses >= 2, "the second turn counted", TimeSpan.FromSeconds(40));

        var sent = StubUsage(rig.Agent.Paths.StubLog + ".usage");
        output.WriteLine("stub sent:\n" + string.Join("\n", sent.Select(s => s.ToJsonString())));
        var totals = last.Usage!.Totals!;
        output.WriteLine("counted: " + string.Join(", ", totals.Tokens.Select(kv => $"{kv.Key.Model}/{kv.Key.Type}={kv.Value}")) + $" responses {totals.Responses}");
        var conversation = sent.Where(s => (bool)s["conversation"]!).ToList();
        Assert.Equal(2, conversation.Count);
        AssertCounted(conversation, totals);
        Assert.Equal(conversation.Count, totals.Responses);
        return (conversation, totals);
    }

    private static void AssertCounted(IReadOnlyList<JsonObject> sent, UsageTotals totals)
    {
        foreach (var (type, field) in new[] { (TokenType.Input, "input"), (TokenType.Output, "output"), (TokenType.CacheRead, "cache_read"), (TokenType.CacheWrite, "cache_write"), (TokenType.Reasoning, "reasoning") })
            Assert.True(sent.Sum(s => (long?)s[field] ?? 0) == totals.Tokens.Where(kv => kv.Key.Type == type).Sum(kv => kv.Value),
                $"{type}: sent {sent.Sum(s => (long?)s[field] ?? 0)}, counted {totals.Tokens.Where(kv => kv.Key.Type == type).Sum(kv => kv.Value)}");
    }

    private static List<JsonObject> StubUsage(string file) =>
        File.Exists(file) ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())] : [];
}
