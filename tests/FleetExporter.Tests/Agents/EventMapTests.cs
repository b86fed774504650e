using System.Security.Cryptography;
using System.Text;
using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;

namespace FleetExporter.Tests.Agents;

/// <summary>Each runtime's hook events, as the runtime sends them, to the state they put the agent in.</summary>
public sealed class EventMapTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_470_000_000);

    /// <summary>A report the agent was in before the event: an unknown event must leave it as it was.</summary>
    private static readonly HookReport Before = new(AgentStateName.Waiting, Now.AddMinutes(-3), "x", "Earlier", null, "s-0", null);

    private static HookReport Step(string runtime, string json, HookReport? previous = null)
    {
        var map = EventMaps.ByRuntime[runtime];
        var e = HookEvent.Parse(HookPayloads.Bytes(json), map);
        return HookTransition.Apply(previous ?? Before, e, map, Now, 7);
    }

    public static TheoryData<string, string, string?, AgentStateName> Events => new()
    {
        // Claude Code 2.1
        { "claude", "SessionStart", """{"source":"startup","model":"claude-sonnet-4-5"}""", AgentStateName.Idle },
        { "claude", "UserPromptSubmit", """{"prompt":"fix it","prompt_id":"p-1","permission_mode":"default"}""", AgentStateName.Working },
        { "claude", "PreToolUse", """{"tool_name":"Bash","tool_input":{"command":"touch x"},"tool_use_id":"toolu_01"}""", AgentStateName.Working },
        { "claude", "PermissionRequest", """{"tool_name":"Bash","tool_input":{"command":"touch x"},"permission_suggestions":[]}""", AgentStateName.Waiting },
        { "claude", "PostToolUse", """{"tool_name":"Bash","tool_input":{"command":"echo hi"},"tool_response":{"stdout":"hi"},"tool_use_id":"toolu_02","duration_ms":12}""", AgentStateName.Working },
        { "claude", "Notification", """{"message":"Claude needs your permission to use Bash","notification_type":"permission_prompt"}""", AgentStateName.Waiting },
        { "claude", "Notification", """{"message":"Claude is waiting for your input","notification_type":"idle_prompt"}""", AgentStateName.Idle },
        { "claude", "Notification", """{"message":"Claude needs your input","notification_type":"elicitation_dialog"}""", AgentStateName.Waiting },
        // A notification the map has no rule for only beats.
        { "claude", "Notification", """{"message":"Signed in","notification_type":"auth_success"}""", AgentStateName.Waiting },
        { "claude", "Stop", """{"prompt_id":"p-1","last_assistant_message":"Done."}""", AgentStateName.Idle },
        { "claude", "SessionEnd", """{"reason":"prompt_input_exit"}""", AgentStateName.Stopped },
        { "claude", "PreCompact", """{"trigger":"manual"}""", AgentStateName.Waiting },
        { "claude", "SomeFutureEvent", null, AgentStateName.Waiting },
        // Codex 0.169
        { "codex", "SessionStart", """{"source":"startup"}""", AgentStateName.Idle },
        { "codex", "UserPromptSubmit", """{"prompt":"fix it"}""", AgentStateName.Working },
        { "codex", "PreToolUse", """{"tool_name":"exec_command","tool_input":{"cmd":"ls"}}""", AgentStateName.Working },
        { "codex", "PermissionRequest", """{"tool_input":{"cmd":"touch x","sandbox_permissions":"require_escalated"}}""", AgentStateName.Waiting },
        { "codex", "PostToolUse", """{"tool_name":"exec_command"}""", AgentStateName.Working },
        { "codex", "Stop", null, AgentStateName.Idle },
        { "codex", "SessionEnd", null, AgentStateName.Stopped },
        { "codex", "Notification", """{"notification_type":"idle_prompt"}""", AgentStateName.Waiting },
        // Gemini CLI 0.61
        { "gemini", "SessionStart", """{"source":"startup"}""", AgentStateName.Idle },
        { "gemini", "BeforeAgent", """{"prompt":"fix it"}""", AgentStateName.Working },
        { "gemini", "BeforeTool", """{"tool_name":"run_shell_command","tool_input":{"command":"touch x"}}""", AgentStateName.Working },
        { "gemini", "Notification", """{"notification_type":"ToolPermission","message":"Allow execution of [Shell]?"}""", AgentStateName.Waiting },
        { "gemini", "Notification", """{"notification_type":"SomethingElse"}""", AgentStateName.Waiting },
        { "gemini", "AfterTool", """{"tool_name":"run_shell_command"}""", AgentStateName.Working },
        { "gemini", "AfterAgent", """{"prompt":"fix it","prompt_response":"Done."}""", AgentStateName.Idle },
        { "gemini", "SessionEnd", """{"reason":"exit"}""", AgentStateName.Stopped },
        { "gemini", "Stop", null, AgentStateName.Waiting },
        // pi 0.73, as its extension forwards them
        { "pi", "session_start", null, AgentStateName.Idle },
        { "pi", "input", """{"text":"fix it","source":"interactive"}""", AgentStateName.Working },
        { "pi", "before_agent_start", """{"prompt":"fix it"}""", AgentStateName.Working },
        { "pi", "agent_start", null, AgentStateName.Working },
        { "pi", "turn_start", null, AgentStateName.Working },
        { "pi", "tool_call", """{"toolName":"bash","input":{"command":"ls"}}""", AgentStateName.Working },
        { "pi", "tool_result", null, AgentStateName.Working },
        { "pi", "turn_end", null, AgentStateName.Working },
        { "pi", "agent_end", null, AgentStateName.Idle },
        { "pi", "session_shutdown", null, AgentStateName.Stopped },
        { "pi", "UserPromptSubmit", """{"prompt":"x"}""", AgentStateName.Waiting },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_runtimes_event_moves_the_agent_to_its_state(string runtime, string eventName, string? extra, AgentStateName expected)
    {
        var next = Step(runtime, HookPayloads.For(runtime, eventName, extra));

        Assert.Equal(expected, next.State);
        Assert.Equal(eventName, next.Event);
        Assert.Equal(runtime, next.Runtime);
    }

    [Theory]
    [InlineData("claude", "SomeFutureEvent")]
    [InlineData("claude", "Notification")]
    [InlineData("codex", "SomethingNew")]
    [InlineData("gemini", "PreCompress")]
    [InlineData("gemini", "BeforeModel")]
    [InlineData("pi", "model_select")]
    public void An_event_the_map_does_not_know_only_beats_and_keeps_the_state_and_its_since(string runtime, string eventName)
    {
        var next = Step(runtime, HookPayloads.For(runtime, eventName, """{"notification_type":"auth_success"}"""));

        Assert.Equal(Before.State, next.State);
        Assert.Equal(Before.Since, next.Since);
        Assert.Equal(eventName, next.Event);
    }

    [Fact]
    public void An_unknown_first_event_leaves_the_state_unknown()
    {
        var map = EventMaps.Claude;
        var e = HookEvent.Parse(HookPayloads.Bytes(HookPayloads.Claude("SomeFutureEvent")), map);

        var next = HookTransition.Apply(null, e, map, Now, 1);

        Assert.Equal(AgentStateName.Unknown, next.State);
    }

    [Fact]
    public void The_notification_type_is_the_events_detail()
    {
        var map = EventMaps.Claude;

        var e = HookEvent.Parse(HookPayloads.Bytes(HookPayloads.Claude("Notification", new { message = "m", notification_type = "idle_prompt" })), map);

        Assert.Equal("Notification", e.Name);
        Assert.Equal("idle_prompt", e.Detail);
        Assert.Equal(HookPayloads.ClaudeSession, e.SessionId);
    }

    // Expectations computed with `printf '%s' TEXT | sha256sum`, and again here over bytes written out by hand.
    public static TheoryData<string, byte[], string> Prompts => new()
    {
        { "fix the failing test", Encoding.ASCII.GetBytes("fix the failing test"), "75804d696e4c6efcadc89848672f6a9304612fcf6180cedd429e25ac1cfa1bd1" },
        { "line one\nline two\nline three", [.. Encoding.ASCII.GetBytes("line one"), 0x0a, .. Encoding.ASCII.GetBytes("line two"), 0x0a, .. Encoding.ASCII.GetBytes("line three")],
            "26a5cd654e540e91433a2f237e2709743fc4753e764deb74ed37299c2f338ece" },
        { "h\u00e9llo \u2713", [0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0xe2, 0x9c, 0x93], "5657cdef8a85a584e0e961e6f8247cf5d3f8ed21496ed6fdbcfd43a761e94245" },
    };

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Claude_UserPromptSubmit_records_the_prompt_id_and_the_sha256_of_the_prompts_utf8_bytes(string text, byte[] utf8, string sha256sum)
    {
        Assert.Equal(sha256sum, Convert.ToHexStringLower(SHA256.HashData(utf8)));

        var next = Step("claude", HookPayloads.Claude("UserPromptSubmit", new { prompt = text, prompt_id = "a1b2c3", permission_mode = "default" }));

        var prompt = Assert.IsType<PromptReport>(next.Prompt);
        Assert.Equal("a1b2c3", prompt.Id);
        Assert.Equal(sha256sum, prompt.Sha256);
        Assert.Equal(utf8.Length, prompt.Bytes);
        Assert.Equal(Now, prompt.At);
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Codex_UserPromptSubmit_takes_the_turn_id_as_the_prompt_id(string text, byte[] utf8, string sha256sum)
    {
        var next = Step("codex", HookPayloads.Codex("UserPromptSubmit", new { prompt = text, turn_id = "turn-42" }));

        Assert.Equal(new PromptReport("turn-42", sha256sum, utf8.Length, Now), next.Prompt);
        Assert.Equal(HookPayloads.CodexSession, next.SessionId);
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Gemini_BeforeAgent_records_its_prompt_under_an_id_of_ours(string text, byte[] utf8, string sha256sum)
    {
        var next = Step("gemini", HookPayloads.Gemini("BeforeAgent", new { prompt = text }));

        Assert.Equal(new PromptReport("seq-7", sha256sum, utf8.Length, Now), next.Prompt);
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Pis_input_event_records_its_text_as_the_prompt(string text, byte[] utf8, string sha256sum)
    {
        var next = Step("pi", HookPayloads.Pi("input", new { text, source = "interactive" }));

        Assert.Equal(new PromptReport("seq-7", sha256sum, utf8.Length, Now), next.Prompt);
        Assert.Equal(AgentStateName.Working, next.State);
    }

    [Fact]
    public void A_prompt_as_raw_utf8_and_as_json_escapes_has_the_same_sha256()
    {
        var raw = Step("claude", """{"session_id":"s","hook_event_name":"UserPromptSubmit","prompt":"héllo ✓","prompt_id":"p"}""");
        var escaped = Step("claude", """{"session_id":"s","hook_event_name":"UserPromptSubmit","prompt":"h\u00e9llo \u2713","prompt_id":"p"}""");

        Assert.Equal("5657cdef8a85a584e0e961e6f8247cf5d3f8ed21496ed6fdbcfd43a761e94245", raw.Prompt!.Sha256);
        Assert.Equal(raw.Prompt, escaped.Prompt);
    }

    [Theory]
    [InlineData("claude", "Stop", """{"prompt":"not a submission","prompt_id":"p-9"}""")]
    [InlineData("gemini", "AfterAgent", """{"prompt":"fix it","prompt_response":"Done."}""")]
    [InlineData("pi", "before_agent_start", """{"prompt":"fix it"}""")]
    public void Only_the_submitting_event_records_a_prompt(string runtime, string eventName, string extra)
    {
        var next = Step(runtime, HookPayloads.For(runtime, eventName, extra));

        Assert.Null(next.Prompt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"session_id":"s"}""")]
    [InlineData("""{"hook_event_name":5}""")]
    public void A_payload_that_is_not_an_event_is_refused(string payload)
    {
        Assert.Throws<HookPayloadException>(() => HookEvent.Parse(Encoding.UTF8.GetBytes(payload), EventMaps.Claude));
    }

    /// <summary>
    /// An event the map gives a meaning must reach the hook: one that ends a turn, blocks on a human or ends the
    /// session, or the agent's last word stays "working" (its silence then pages at night, and nobody learns it
    /// waits); a subagent's start, or a hung background subagent reads as idle and never pages.
    /// </summary>
    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    [InlineData("gemini")]
    [InlineData("pi")]
    public void Every_event_the_map_knows_is_installed(string runtime)
    {
        var installed = FleetExporter.Agents.Install.HookRuntimes.Find(runtime)!.Events.Select(e => e.Name).ToHashSet();
        var mapped = EventMaps.ByRuntime[runtime].Rules.Select(r => r.Key.Split('/')[0]).Distinct();

        var missing = mapped.Where(e => !installed.Contains(e)).ToList();
        Assert.True(missing.Count == 0, $"{runtime}: mapped but not installed: {string.Join(", ", missing)}");
    }
}
