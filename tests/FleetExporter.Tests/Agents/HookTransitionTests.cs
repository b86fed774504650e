using System.Security.Cryptography;
using System.Text;
using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;

namespace FleetExporter.Tests.Agents;

/// <summary>A sequence of hook events, each applied to the report the previous one left.</summary>
public sealed class HookTransitionTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_470_000_000);

    private sealed class Agent(string runtime)
    {
        private readonly RuntimeEventMap map = EventMaps.ByRuntime[runtime];
        public HookReport? Report { get; private set; }
        public long Seq { get; private set; }

        public HookReport Fire(string json, DateTimeOffset at)
        {
            Seq++;
            Report = HookTransition.Apply(Report, HookEvent.Parse(HookPayloads.Bytes(json), map), map, at, Seq);
            return Report;
        }
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Claude Code runs a Task subagent in the background: the main turn's Stop comes while it still runs. The agent
    /// stays working until the last subagent ends, so a hung one pages; the ids survive the heartbeat file.
    /// </summary>
    [Fact]
    public void A_background_subagent_keeps_the_agent_working_until_it_stops()
    {
        var agent = new Agent("claude");
        agent.Fire(HookPayloads.Claude("UserPromptSubmit", new { prompt = "research it", prompt_id = "p1" }), T0);
        agent.Fire(HookPayloads.Claude("SubagentStart", new { agent_id = "sa-1", agent_type = "general-purpose" }), T0.AddSeconds(1));
        agent.Fire(HookPayloads.Claude("SubagentStart", new { agent_id = "sa-2", agent_type = "general-purpose" }), T0.AddSeconds(1));

        var mainDone = agent.Fire(HookPayloads.Claude("Stop", new { }), T0.AddSeconds(2));
        var oneLeft = agent.Fire(HookPayloads.Claude("SubagentStop", new { agent_id = "sa-1" }), T0.AddSeconds(30));
        var again = agent.Fire(HookPayloads.Claude("SubagentStop", new { agent_id = "sa-1" }), T0.AddSeconds(31));
        var lastOne = agent.Fire(HookPayloads.Claude("SubagentStop", new { agent_id = "sa-2" }), T0.AddSeconds(40));
        var reported = agent.Fire(HookPayloads.Claude("Stop", new { }), T0.AddSeconds(41));

        Assert.Equal(AgentStateName.Working, mainDone.State);
        Assert.Equal(["sa-1", "sa-2"], mainDone.Subagents);
        Assert.Equal(T0, mainDone.Since);
        Assert.Equal(["sa-2"], oneLeft.Subagents);
        Assert.Equal(["sa-2"], again.Subagents);
        Assert.Empty(lastOne.Subagents);
        Assert.Equal(AgentStateName.Idle, reported.State);
    }

    /// <summary>
    /// Claude Code's Stop lists the background tasks still running: that list is the truth, also for a subagent
    /// killed with ctrl+x ctrl+k, which fires no SubagentStop (seen with 2.1.328).
    /// </summary>
    [Fact]
    public void The_runtimes_own_list_of_running_background_tasks_wins()
    {
        var agent = new Agent("claude");
        agent.Fire(HookPayloads.Claude("SubagentStart", new { agent_id = "sa-1" }), T0);
        agent.Fire(HookPayloads.Claude("SubagentStart", new { agent_id = "sa-2" }), T0);

        var listed = agent.Fire(HookPayloads.Claude("Stop", new
        {
            background_tasks = new object[] { new { id = "sa-2", type = "subagent", status = "running" }, new { id = "sh-9", type = "shell", status = "completed" } },
        }), T0.AddSeconds(2));
        var killed = agent.Fire(HookPayloads.Claude("Stop", new { background_tasks = Array.Empty<object>() }), T0.AddSeconds(60));

        Assert.Equal(["sa-2"], listed.Subagents);
        Assert.Equal(AgentStateName.Working, listed.State);
        Assert.Empty(killed.Subagents);
        Assert.Equal(AgentStateName.Idle, killed.State);
    }

    /// <summary>
    /// An event was lost whole, and the state stuck, for a prompt with a lone surrogate (as JavaScript's JSON.stringify
    /// writes one) or a session id or event name over 64 KiB (the heartbeat grew too large to write).
    /// </summary>
    [Theory]
    [InlineData("surrogate", AgentStateName.Working)]
    [InlineData("long-session", AgentStateName.Working)]
    [InlineData("long-name", AgentStateName.Idle)]
    public void An_odd_or_huge_field_costs_only_itself_not_the_event(string kind, AgentStateName expected)
    {
        var json = kind switch
        {
            "surrogate" => """{"hook_event_name":"UserPromptSubmit","session_id":"s","prompt":"bad \ud800 half"}""",
            "long-session" => $$"""{"hook_event_name":"UserPromptSubmit","session_id":"{{new string('s', 70_000)}}","prompt":"go"}""",
            _ => $$"""{"hook_event_name":"{{new string('E', 70_000)}}","session_id":"s"}""",
        };
        using var dir = new FleetExporter.Tests.Infrastructure.TempDirectory();
        var agent = new Agent("claude");
        agent.Fire(HookPayloads.Claude("Stop"), T0);

        var next = agent.Fire(json, T0.AddSeconds(1));
        var written = FleetExporter.Heartbeats.HeartbeatWriter.Write(dir.File("a1.hb"), T0, TimeSpan.FromSeconds(30), 1, "x", 1, next);

        Assert.Equal(expected, next.State);
        Assert.InRange(next.Event!.Length, 1, 200);
        Assert.InRange(next.SessionId!.Length, 1, 200);
        Assert.NotEmpty(written);
        if (kind != "long-name") Assert.NotNull(next.Prompt);
    }

    [Fact]
    public void A_new_session_or_an_ended_one_has_no_subagents_left()
    {
        var agent = new Agent("claude");
        agent.Fire(HookPayloads.Claude("SubagentStart", new { agent_id = "sa-1" }), T0);

        var ended = agent.Fire(HookPayloads.Claude("SessionEnd", new { reason = "prompt_input_exit" }), T0.AddSeconds(5));

        Assert.Equal(AgentStateName.Stopped, ended.State);
        Assert.Empty(ended.Subagents);
    }

    [Fact]
    public void Since_is_kept_while_the_state_holds_and_reset_when_it_changes()
    {
        var agent = new Agent("claude");

        var submit = agent.Fire(HookPayloads.Claude("UserPromptSubmit", new { prompt = "go", prompt_id = "p1" }), T0);
        var tool = agent.Fire(HookPayloads.Claude("PreToolUse", new { tool_name = "Bash" }), T0.AddSeconds(5));
        var after = agent.Fire(HookPayloads.Claude("PostToolUse", new { tool_name = "Bash" }), T0.AddSeconds(9));
        var ask = agent.Fire(HookPayloads.Claude("PermissionRequest", new { tool_name = "Bash" }), T0.AddSeconds(12));
        var nag = agent.Fire(HookPayloads.Claude("Notification", new { notification_type = "permission_prompt" }), T0.AddSeconds(18));
        var back = agent.Fire(HookPayloads.Claude("PostToolUse", new { tool_name = "Bash" }), T0.AddSeconds(30));

        Assert.Equal((AgentStateName.Working, T0), (submit.State, submit.Since));
        Assert.Equal((AgentStateName.Working, T0), (tool.State, tool.Since));
        Assert.Equal((AgentStateName.Working, T0), (after.State, after.Since));
        Assert.Equal((AgentStateName.Waiting, T0.AddSeconds(12)), (ask.State, ask.Since));
        Assert.Equal((AgentStateName.Waiting, T0.AddSeconds(12)), (nag.State, nag.Since));
        Assert.Equal((AgentStateName.Working, T0.AddSeconds(30)), (back.State, back.Since));
    }

    [Fact]
    public void A_beat_only_event_keeps_the_state_and_its_since()
    {
        var agent = new Agent("claude");
        agent.Fire(HookPayloads.Claude("Stop"), T0);

        var beat = agent.Fire(HookPayloads.Claude("PreCompact", new { trigger = "manual" }), T0.AddSeconds(40));

        Assert.Equal((AgentStateName.Idle, T0), (beat.State, beat.Since));
        Assert.Equal("PreCompact", beat.Event);
    }

    [Fact]
    public void The_prompt_is_carried_forward_across_later_events_until_the_next_prompt()
    {
        var agent = new Agent("claude");
        agent.Fire(HookPayloads.Claude("SessionStart", new { source = "startup" }), T0);
        var first = agent.Fire(HookPayloads.Claude("UserPromptSubmit", new { prompt = "first", prompt_id = "p1" }), T0.AddSeconds(1));

        var tool = agent.Fire(HookPayloads.Claude("PreToolUse", new { tool_name = "Bash" }), T0.AddSeconds(2));
        var stop = agent.Fire(HookPayloads.Claude("Stop", new { prompt_id = "p1" }), T0.AddSeconds(3));
        var idle = agent.Fire(HookPayloads.Claude("Notification", new { notification_type = "idle_prompt" }), T0.AddSeconds(63));
        var second = agent.Fire(HookPayloads.Claude("UserPromptSubmit", new { prompt = "second", prompt_id = "p2" }), T0.AddSeconds(70));
        var end = agent.Fire(HookPayloads.Claude("SessionEnd", new { reason = "prompt_input_exit" }), T0.AddSeconds(80));

        var expectedFirst = new PromptReport("p1", Sha("first"), 5, T0.AddSeconds(1));
        Assert.Equal(expectedFirst, first.Prompt);
        Assert.Equal(expectedFirst, tool.Prompt);
        Assert.Equal(expectedFirst, stop.Prompt);
        Assert.Equal(expectedFirst, idle.Prompt);
        var expectedSecond = new PromptReport("p2", Sha("second"), 6, T0.AddSeconds(70));
        Assert.Equal(expectedSecond, second.Prompt);
        Assert.Equal(expectedSecond, end.Prompt);
        Assert.Equal((AgentStateName.Stopped, T0.AddSeconds(80)), (end.State, end.Since));
    }

    [Fact]
    public void A_runtime_without_a_prompt_id_gets_seq_N_from_the_heartbeats_sequence()
    {
        var agent = new Agent("gemini");
        agent.Fire(HookPayloads.Gemini("SessionStart", new { source = "startup" }), T0);
        agent.Fire(HookPayloads.Gemini("BeforeAgent", new { prompt = "one" }), T0.AddSeconds(1));
        var one = agent.Report!.Prompt;
        agent.Fire(HookPayloads.Gemini("AfterAgent", new { prompt = "one", prompt_response = "ok" }), T0.AddSeconds(2));
        var carried = agent.Report!.Prompt;
        agent.Fire(HookPayloads.Gemini("BeforeAgent", new { prompt = "one" }), T0.AddSeconds(3));
        var again = agent.Report!.Prompt;

        Assert.Equal("seq-2", one!.Id);
        Assert.Equal(one, carried);
        // The same text sent again is another prompt: same hash, new id.
        Assert.Equal("seq-4", again!.Id);
        Assert.Equal(one.Sha256, again.Sha256);
    }

    [Fact]
    public void A_prompt_submitting_event_without_its_text_keeps_the_previous_prompt()
    {
        var agent = new Agent("codex");
        var first = agent.Fire(HookPayloads.Codex("UserPromptSubmit", new { prompt = "first", turn_id = "t1" }), T0);

        var bare = agent.Fire(HookPayloads.Codex("UserPromptSubmit", new { turn_id = "t2" }), T0.AddSeconds(4));

        Assert.Equal(first.Prompt, bare.Prompt);
        Assert.Equal(AgentStateName.Working, bare.State);
    }

    [Fact]
    public void The_session_id_is_carried_when_an_event_lacks_one_and_replaced_when_a_new_one_comes()
    {
        var agent = new Agent("pi");
        var map = EventMaps.Claude;
        var withSession = HookTransition.Apply(null, HookEvent.Parse(HookPayloads.Bytes(HookPayloads.Claude("SessionStart")), map), map, T0, 1);
        var without = HookTransition.Apply(withSession, HookEvent.Parse(HookPayloads.Bytes("""{"hook_event_name":"Stop"}"""), map), map, T0.AddSeconds(1), 2);
        var replaced = HookTransition.Apply(without, HookEvent.Parse(HookPayloads.Bytes("""{"hook_event_name":"SessionStart","session_id":"new-one","source":"clear"}"""), map), map, T0.AddSeconds(2), 3);

        var piReport = agent.Fire(HookPayloads.Pi("agent_start"), T0);

        Assert.Equal(HookPayloads.ClaudeSession, withSession.SessionId);
        Assert.Equal(HookPayloads.ClaudeSession, without.SessionId);
        Assert.Equal("new-one", replaced.SessionId);
        Assert.Null(piReport.SessionId);
    }

    [Fact]
    public void The_runtime_event_and_detail_of_the_last_event_are_reported()
    {
        var agent = new Agent("claude");

        var r = agent.Fire(HookPayloads.Claude("SessionEnd", new { reason = "prompt_input_exit" }), T0);

        Assert.Equal(("claude", "SessionEnd", "prompt_input_exit"), (r.Runtime, r.Event, r.EventDetail));
    }
}
