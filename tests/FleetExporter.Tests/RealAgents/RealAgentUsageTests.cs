using System.Globalization;
using System.Text.Json.Nodes;
using FleetExporter.Agents.State;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// What a real agent spent, as its hooks count it from its own transcripts, against what the model stub sent it (the
/// stub answers every request with usage of its own and logs it to stub.log.usage), over one session: plain turns, an
/// approved tool call, a denied one (where the runtime asks), an API error (the stub's FAIL), a new transcript and a
/// restart of the agent; and what a running <c>serve</c> exports of it, before and after <c>serve</c> restarts.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[RunsLong]
public sealed class RealAgentUsageTests(ITestOutputHelper output)
{
    /// <summary>What happened in the session, as the usage must count it.</summary>
    private sealed record Expected(long Turns, long ApiErrors, long Succeeded, long Denied, int Responses);

    [RealAgentFact("claude")]
    public async Task Claude_Codes_tokens_turns_tool_outcomes_and_API_errors_are_counted_exactly_over_a_session_with_a_clear_and_a_restart()
    {
        // Turns: hello, the tool's, after /clear, after the restart (the denial ends none; FAIL fires StopFailure).
        // Responses: hello, the tool call (text and tool_use: two lines) and its answer, the denied call, two hellos.
        var totals = await SessionAsync(AgentRuntime.Claude, "Stop", "StopFailure", "Do you want to proceed?", ("/clear", "SessionStart"), new Expected(4, 1, 1, 1, 6));
        Assert.DoesNotContain(totals.Tokens.Keys, k => k.Model == ClaudeTranscript.SyntheticModel);
    }

    [RealAgentFact("codex")]
    public async Task Codexs_tokens_turns_tool_outcomes_and_API_errors_are_counted_exactly_over_a_session_with_a_new_chat_and_a_restart()
    {
        // No Stop for the denied turn (aborted) nor for the failed one; the rollout says both.
        var totals = await SessionAsync(AgentRuntime.Codex, "Stop", null, "Would you like to run the following command?", ("/new", null), new Expected(4, 1, 1, 1, 6));
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
        var sent = RealAgent.CompleteJsonLines(rig.Agent.Paths.StubLog + ".limits");
        output.WriteLine("stub sent:\n" + string.Join("\n", sent.Select(s => s.ToJsonString())));
        var limits = last.Usage!.Totals!.RateLimits;
        Assert.Contains(sent, s => RateLimitWindow.Names.All(w =>
            limits.SingleOrDefault(l => l.Window == w) is { } l && l.UsedPercent == (double)s[w]!["used_percent"]!
            && l.WindowMinutes == (long)s[w]!["window_minutes"]! && l.ResetsAt == DateTimeOffset.FromUnixTimeSeconds((long)s[w]!["resets_at"]!)));
    }

    [RealAgentFact("gemini")]
    public async Task Gemini_CLIs_tokens_turns_tool_outcomes_and_API_errors_are_counted_exactly_over_a_session_with_a_clear_and_a_restart()
    {
        // AfterAgent also ends the failed turn; the denied one ends with no AfterAgent.
        var totals = await SessionAsync(AgentRuntime.Gemini, "AfterAgent", "AfterAgent", "Allow execution of", ("/clear", null), new Expected(5, 1, 1, 1, 6));
        Assert.Null(totals.ContextWindow);
    }

    [RealAgentFact("pi")]
    public async Task Pis_tokens_recorded_cost_turns_and_API_errors_are_counted_exactly_over_a_session_with_a_new_session_and_a_restart()
    {
        // pi asks no permission (no denied call); agent_end ends every turn, the failed one too.
        var totals = await SessionAsync(AgentRuntime.Pi, "agent_end", "agent_end", null, ("/new", null), new Expected(5, 1, 1, 0, 5));
        // pi prices each response itself (the test's models.json gives the stub model a price): that cost is exported.
        var sent = Conversation(AgentRuntime.Pi, null);
        var expected = sent.Sum(s => ((long)s["input"]! * RealAgent.PiPrice.Input + (long)s["output"]! * RealAgent.PiPrice.Output
                                      + (long)s["cache_read"]! * RealAgent.PiPrice.CacheRead + (long)s["cache_write"]! * RealAgent.PiPrice.CacheWrite) / 1e6);
        var model = Assert.Single(totals.Tokens.Keys.Select(k => k.Model).Distinct());
        Assert.Equal(expected, PriceTable.Default.Cost(totals, model)!.Value, 9);
    }

    private List<JsonObject> _sent = [];

    /// <summary>
    /// The session; asserts the counts equal what the stub sent for the conversation's requests, that <c>serve</c>
    /// exports the same before and after it restarts, and the turns, tool outcomes and API errors; returns the totals.
    /// </summary>
    /// <remarks>
    /// Each step waits for the hook event that ends it, for its own prompt: pi's extension runs its hooks one after the
    /// other, so on a loaded machine they lag, and an event still queued when pi exits is never run.
    /// <paramref name="failEnd"/> is the event that ends a turn failed on an API error (Codex fires none).
    /// </remarks>
    private async Task<UsageTotals> SessionAsync(AgentRuntime runtime, string turnEnd, string? failEnd, string? dialog, (string Command, string? Event)? newTranscript,
        Expected expected)
    {
        await using var rig = await HookedAgent.StartAsync(runtime, output);
        var agent = rig.Agent;
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle", TimeSpan.FromSeconds(30));
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", rig.Roster.SourcePath!]);

        await TurnAsync(rig, "hello there", turnEnd);
        await agent.SubmitAsync("TOOL:touch x");
        if (dialog is not null) await agent.AnswerAsync(dialog, "Enter");
        await EndedAsync(rig, "TOOL:touch x", turnEnd);
        Assert.True(File.Exists(Path.Combine(agent.Paths.Work, "x")), "the approved tool did not run");
        if (dialog is not null)
        {
            await agent.SubmitAsync("TOOL:touch y");
            await agent.AnswerAsync(dialog, "Escape");
            await agent.WaitForReadyAgainAsync();
            Assert.False(File.Exists(Path.Combine(agent.Paths.Work, "y")), "the denied tool ran");
        }
        var asked = agent.ModelRequests().Count;
        await agent.SubmitAsync("FAIL");
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(agent.ModelRequests().Skip(asked).Any(r => r.ToJsonString().Contains("FAIL"))), TimeSpan.FromSeconds(30)),
            "the FAIL prompt never reached the stub");
        if (failEnd is not null) await EndedAsync(rig, "FAIL", failEnd);
        await agent.WaitForReadyAgainAsync();
        if (newTranscript is var (command, startEvent))
        {
            await agent.SubmitAsync(command);
            if (startEvent is not null) await rig.UntilAsync(a => a.Heartbeat.Hook?.Event == startEvent, $"the {startEvent} of {command}", TimeSpan.FromSeconds(30));
            else await agent.WaitForReadyAgainAsync();
            await TurnAsync(rig, "hello in a new transcript", turnEnd);
        }
        await agent.ExitAsync(TimeSpan.FromSeconds(30));
        await agent.RestartAsync();
        await TurnAsync(rig, "hello after a restart", turnEnd, expected.Responses);
        // The hook that wrote the heartbeat counts right after it, under the same lock: a collection can fall between.
        var last = await rig.UntilAsync(a => a.Usage?.Totals is { } t && t.Turns >= expected.Turns && t.Responses >= expected.Responses,
            "the last hook's counting done", TimeSpan.FromSeconds(20));

        var transcripts = agent.Paths.Transcripts(runtime);
        Assert.True(transcripts.Count == 3, $"transcripts: {string.Join(", ", transcripts)}");
        _sent = StubUsage(agent.Paths.StubLog + ".usage");
        output.WriteLine("stub sent:\n" + string.Join("\n", _sent.Select(s => s.ToJsonString())));
        var conversation = Conversation(runtime, transcripts);
        var totals = last.Usage!.Totals!;
        output.WriteLine("counted: " + string.Join(", ", totals.Tokens.Select(kv => $"{kv.Key.Model}/{kv.Key.Type}={kv.Value}")) +
                         $"; responses {totals.Responses}, turns {totals.Turns}, api errors {totals.ApiErrors}, tool calls {string.Join(",", totals.ToolCalls)}");
        output.WriteLine("hook log: " + rig.ReadHookLog());
        Assert.Equal(expected.Responses, conversation.Count);
        AssertCounted(conversation, totals);
        Assert.Equal(conversation.Count, totals.Responses);
        Assert.Equal((expected.Turns, expected.ApiErrors), (totals.Turns, totals.ApiErrors));
        Assert.Equal((expected.Succeeded, 0L, expected.Denied),
            (totals.ToolCalls.GetValueOrDefault(ToolOutcome.Succeeded), totals.ToolCalls.GetValueOrDefault(ToolOutcome.Failed), totals.ToolCalls.GetValueOrDefault(ToolOutcome.Denied)));

        // What serve exports: the same sums, and again from a serve started afresh (the counts live in the usage files).
        await AssertServedAsync(serve, conversation);
        Assert.Equal(0, await serve.InterruptAsync(TimeSpan.FromSeconds(40)));
        await using var again = await ServeProcess.StartAsync("serve", ["--roster", rig.Roster.SourcePath!]);
        await AssertServedAsync(again, conversation);
        return totals;
    }

    /// <summary>A prompt and its turn's end, counted (with at least <paramref name="responses"/> responses when given).</summary>
    private static async Task<FleetExporter.Fleet.AgentStatus> TurnAsync(HookedAgent rig, string prompt, string turnEnd, int responses = 0)
    {
        await rig.Agent.SubmitAsync(prompt);
        return await EndedAsync(rig, prompt, turnEnd, responses);
    }

    /// <summary>Until the hooks have reported <paramref name="end"/> for the turn of <paramref name="prompt"/> (its fingerprint), and counted.</summary>
    private static Task<FleetExporter.Fleet.AgentStatus> EndedAsync(HookedAgent rig, string prompt, string end, int responses = 0)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(prompt)));
        return rig.UntilAsync(a => a.Heartbeat.Hook is { Event: var e, Prompt.Sha256: var p } && e == end && p == sha && a.Usage?.Totals?.Responses >= responses,
            $"the {end} of \"{prompt}\", counted", TimeSpan.FromSeconds(40));
    }

    /// <summary>
    /// The requests of the conversation: Claude Code's are those its transcripts name (it also asks for a title, which it
    /// does not write down); the stub marks Codex's and Gemini CLI's side requests (a title, the model router).
    /// </summary>
    private List<JsonObject> Conversation(AgentRuntime runtime, IReadOnlyList<string>? transcripts)
    {
        if (runtime != AgentRuntime.Claude) return [.. _sent.Where(s => (bool)s["conversation"]!)];
        var text = string.Concat(transcripts!.Select(File.ReadAllText));
        return [.. _sent.Where(s => text.Contains((string)s["id"]!, StringComparison.Ordinal))];
    }

    private async Task AssertServedAsync(ServeProcess serve, IReadOnlyList<JsonObject> sent)
    {
        var metrics = await serve.GetAsync("/metrics");
        foreach (var (type, field) in Kinds)
        {
            var served = metrics.Split('\n')
                .Where(l => l.StartsWith("fleet_agent_tokens_total{", StringComparison.Ordinal) && l.Contains($"agent=\"{HookedAgent.AgentName}\"") && l.Contains($"type=\"{type}\""))
                .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
            Assert.True(sent.Sum(s => (long)s[field]!) == served, $"{type}: sent {sent.Sum(s => (long)s[field]!)}, served {served}\n{metrics}");
        }
    }

    private static readonly (string Type, string Field)[] Kinds =
        [(TokenType.Input, "input"), (TokenType.Output, "output"), (TokenType.CacheRead, "cache_read"), (TokenType.CacheWrite, "cache_write"), (TokenType.Reasoning, "reasoning")];

    private static void AssertCounted(IReadOnlyList<JsonObject> sent, UsageTotals totals)
    {
        foreach (var (type, field) in Kinds)
            Assert.True(sent.Sum(s => (long?)s[field] ?? 0) == totals.Tokens.Where(kv => kv.Key.Type == type).Sum(kv => kv.Value),
                $"{type}: sent {sent.Sum(s => (long?)s[field] ?? 0)}, counted {totals.Tokens.Where(kv => kv.Key.Type == type).Sum(kv => kv.Value)}");
    }

    private static List<JsonObject> StubUsage(string file) => [.. RealAgent.CompleteJsonLines(file)];
}
