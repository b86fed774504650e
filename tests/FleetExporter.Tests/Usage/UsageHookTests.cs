using System.Text.Json;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>
/// The whole path with the real binary: the agent's hooks (<c>fleet-exporter hook</c>) count its transcript as it
/// grows, and <c>serve</c> exports what they counted.
/// </summary>
public sealed class UsageHookTests
{
    private const int Timeout = 120_000;

    private sealed class Agent(FleetRig rig)
    {
        public string ConfigDir { get; } = rig.Dir.File("claude-config");
        public string State => rig.Dir.File("state");
        public string UsageFile => FleetExporter.Usage.UsageFile.PathFor(rig.HeartbeatDir, "c1");

        public string Transcript(string session) => Path.Combine(ConfigDir, "projects", "-work-repo", session + ".jsonl");

        public async Task<ProcessOutput> HookAsync(string eventName, string transcript)
        {
            var payload = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["session_id"] = Path.GetFileNameWithoutExtension(transcript), ["transcript_path"] = transcript,
                ["cwd"] = "/work/repo", ["hook_event_name"] = eventName,
            });
            var r = await FleetBinary.RunAsync(["hook", "c1", "--roster", rig.RosterPath], stdin: payload,
                env: new Dictionary<string, string?> { ["CLAUDE_CONFIG_DIR"] = ConfigDir, ["XDG_STATE_HOME"] = State, ["FLEET_AGENT"] = null, ["FLEET_ROSTER"] = null });
            Assert.True(r.ExitCode == 0, $"hook exited {r.ExitCode}: {r.StandardError}");
            Assert.Equal("", r.StandardOutput);
            return r;
        }

        public string HookLog => Path.Combine(State, "fleet", "hook.log");
    }

    private static void Append(string file, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.AppendAllText(file, string.Concat(lines.Select(l => l + "\n")));
    }

    [Fact(Timeout = Timeout)]
    public async Task What_the_hooks_count_from_the_transcripts_is_served_exactly_once_across_a_clear_and_idle_events()
    {
        await using var rig = new FleetRig();
        rig.WriteRoster(rig.Spec with { Host = "usage-host", Tenant = "t1", Agents = [new("c1", "claude")] });
        var agent = new Agent(rig);
        var first = agent.Transcript("s1");

        // Claude Code writes its transcript at the first message: the SessionStart before it counts nothing.
        Assert.Equal("", (await agent.HookAsync("SessionStart", first)).StandardError);
        Assert.False(File.Exists(agent.UsageFile));

        Append(first, ClaudeLines.User("hello"),
            ClaudeLines.Assistant("msg_a", "claude-sonnet-4-5", 1200, 300, cacheWrite: 4000, block: "thinking"),
            ClaudeLines.Assistant("msg_a", "claude-sonnet-4-5", 1200, 300, cacheWrite: 4000, block: "tool_use"));
        await agent.HookAsync("PreToolUse", first);
        Append(first, ClaudeLines.User("tool result"), ClaudeLines.Assistant("msg_b", "claude-sonnet-4-5", 20, 80, cacheRead: 5200),
            ClaudeLines.ApiError("API Error: 529 overloaded"));
        await agent.HookAsync("Stop", first);
        var written = File.ReadAllText(agent.UsageFile);
        await agent.HookAsync("Notification", first);
        Assert.Equal(written, File.ReadAllText(agent.UsageFile));   // nothing new: the file is not even rewritten

        // /clear starts a new transcript; the counts go on.
        var second = agent.Transcript("s2");
        Append(second, ClaudeLines.User("again"), ClaudeLines.Assistant("msg_c", "claude-haiku-4-5", 7, 9));
        await agent.HookAsync("UserPromptSubmit", second);
        await agent.HookAsync("Stop", second);

        // All of it was counted today, on the host's local date.
        var counted = UsageFile.Read(agent.UsageFile)!;
        Assert.Equal(UsageHook.LocalDate(DateTimeOffset.Now), counted.Today!.Date);
        Assert.Equal(counted.Tokens.OrderBy(t => t.Key), counted.Today.Tokens.OrderBy(t => t.Key));

        var serve = await rig.ServeAsync();
        var metrics = await serve.GetAsync("/metrics");

        string Series(string model, string type) => $"fleet_agent_tokens_total{{tenant=\"t1\",host=\"usage-host\",agent=\"c1\",model=\"{model}\",type=\"{type}\"}}";
        Assert.Contains(Series("claude-sonnet-4-5", "input") + " 1220\n", metrics);
        Assert.Contains(Series("claude-sonnet-4-5", "output") + " 380\n", metrics);
        Assert.Contains(Series("claude-sonnet-4-5", "cache_write") + " 4000\n", metrics);
        Assert.Contains(Series("claude-sonnet-4-5", "cache_read") + " 5200\n", metrics);
        Assert.Contains(Series("claude-haiku-4-5", "input") + " 7\n", metrics);
        Assert.Contains(Series("claude-haiku-4-5", "output") + " 9\n", metrics);
        Assert.DoesNotContain("<synthetic>", metrics);
        Assert.Contains("fleet_agent_context_tokens{tenant=\"t1\",host=\"usage-host\",agent=\"c1\",model=\"claude-haiku-4-5\"} 7\n", metrics);
        Assert.Contains("fleet_collector_success{host=\"usage-host\",collector=\"usage\"} 1\n", metrics);
        Assert.False(File.Exists(agent.HookLog), File.Exists(agent.HookLog) ? File.ReadAllText(agent.HookLog) : "");
    }

    /// <summary>A runtime may write to a transcript after its last event (Codex: a failed turn's error); the next event of another counts it.</summary>
    [Fact(Timeout = Timeout)]
    public async Task What_an_earlier_transcript_gained_after_its_last_event_is_counted_at_the_next_event_of_another()
    {
        await using var rig = new FleetRig();
        rig.WriteRoster(rig.Spec with { Agents = [new("c1", "claude")] });
        var agent = new Agent(rig);
        var first = agent.Transcript("s1");
        Append(first, ClaudeLines.User("hi"), ClaudeLines.Assistant("msg_a", "m", 100, 10));
        await agent.HookAsync("Stop", first);
        Append(first, ClaudeLines.Assistant("msg_b", "m", 20, 2));   // written after its last event

        var second = agent.Transcript("s2");
        Append(second, ClaudeLines.User("again"), ClaudeLines.Assistant("msg_c", "m", 3, 1));
        await agent.HookAsync("Stop", second);
        await agent.HookAsync("Stop", second);

        var totals = UsageFile.Read(agent.UsageFile)!;
        Assert.Equal((123L, 13L, 3L), (totals.Tokens[("m", TokenType.Input)], totals.Tokens[("m", TokenType.Output)], totals.Responses));
        Assert.Equal(Path.GetFileName(second), Path.GetFileName(totals.Transcripts[0].Path));   // the event's own stays the newest
    }

    [Fact(Timeout = Timeout)]
    public async Task Turns_tool_calls_by_outcome_and_API_errors_are_counted_from_the_hook_events_and_served_with_the_agents_budget()
    {
        await using var rig = new FleetRig();
        rig.WriteRoster(rig.Spec with { Host = "usage-host", Tenant = "t1", Agents = [new("c1", "claude", "budget_usd_per_day: 12.5")], Extra = "budgets: { usd_per_day: 5, tenants: { t1: 40 } }" });
        var agent = new Agent(rig);
        var transcript = agent.Transcript("s1");
        Append(transcript, ClaudeLines.User("hi"), ClaudeLines.Assistant("msg_a", "claude-opus-4-5", 100, 10));

        await agent.HookAsync("StopFailure", transcript);
        await agent.HookAsync("UserPromptSubmit", transcript);
        await agent.HookAsync("PostToolUse", transcript);
        await agent.HookAsync("PostToolUseFailure", transcript);
        await agent.HookAsync("PostToolUse", transcript);
        await agent.HookAsync("Stop", transcript);
        await agent.HookAsync("StopFailure", transcript);

        var totals = UsageFile.Read(agent.UsageFile)!;
        Assert.Equal((2L, 1L, 2L, 1L), (totals.ApiErrors, totals.Turns, totals.ToolCalls["succeeded"], totals.ToolCalls["failed"]));
        var metrics = await (await rig.ServeAsync()).GetAsync("/metrics");
        Assert.Contains("fleet_agent_api_errors_total{tenant=\"t1\",host=\"usage-host\",agent=\"c1\"} 2\n", metrics);
        Assert.Contains("fleet_agent_turns_total{tenant=\"t1\",host=\"usage-host\",agent=\"c1\"} 1\n", metrics);
        Assert.Contains("fleet_agent_tool_calls_total{tenant=\"t1\",host=\"usage-host\",agent=\"c1\",outcome=\"failed\"} 1\n", metrics);
        Assert.Contains("fleet_agent_budget_usd_per_day{tenant=\"t1\",host=\"usage-host\",agent=\"c1\"} 12.5\n", metrics);
        Assert.Contains("fleet_tenant_budget_usd_per_day{tenant=\"t1\",host=\"usage-host\"} 40\n", metrics);
        Assert.Contains("fleet_agent_cost_usd_total{tenant=\"t1\",host=\"usage-host\",agent=\"c1\",model=\"claude-opus-4-5\"} 0.00075\n", metrics);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_transcript_outside_the_agents_directory_is_not_read_and_says_so_once_and_the_hook_still_succeeds()
    {
        await using var rig = new FleetRig();
        rig.WriteRoster(rig.Spec with { Agents = [new("c1", "claude")] });
        var agent = new Agent(rig);
        Directory.CreateDirectory(agent.ConfigDir);
        var outside = rig.Dir.Write("elsewhere/s1.jsonl", ClaudeLines.Assistant("msg_a", "m", 10, 1) + "\n");

        var r1 = await agent.HookAsync("Stop", outside);
        var r2 = await agent.HookAsync("Stop", outside);

        Assert.Contains("outside the runtime's directory", r1.StandardError);
        Assert.Equal("", r2.StandardError);
        Assert.Single(File.ReadAllLines(agent.HookLog), l => l.Contains("outside the runtime's directory", StringComparison.Ordinal));
        var totals = UsageFile.Read(agent.UsageFile)!;
        Assert.Equal(0, totals.Responses);
        Assert.Contains("outside", totals.Problem);
        Assert.True(File.Exists(rig.HeartbeatFile("c1")), "the heartbeat was not written");
    }
}
