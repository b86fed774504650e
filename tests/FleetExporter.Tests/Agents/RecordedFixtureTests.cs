using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary>
/// The event maps and the built-in screen patterns against what the real agents produced (Fixtures/README.md says
/// how each file was recorded): every recorded session replayed through the hook's transition, every recorded
/// screen through its runtime's patterns.
/// </summary>
public sealed class RecordedFixtureTests
{
    private static string Fixtures(params string[] parts) => RepoPaths.Of(["tests", "FleetExporter.Tests", "Agents", "Fixtures", .. parts]);

    public static TheoryData<string, string, AgentStateName> Screens => new()
    {
        { "claude", "idle", AgentStateName.Idle }, { "claude", "finished", AgentStateName.Idle }, { "claude", "draft", AgentStateName.Idle },
        { "claude", "working", AgentStateName.Working }, { "claude", "waiting", AgentStateName.Waiting },
        { "codex", "idle", AgentStateName.Idle }, { "codex", "finished", AgentStateName.Idle }, { "codex", "draft", AgentStateName.Idle },
        { "codex", "working", AgentStateName.Working }, { "codex", "waiting", AgentStateName.Waiting },
        { "codex", "starting", AgentStateName.Working }, { "codex", "starting-typed", AgentStateName.Working },
        { "gemini", "idle", AgentStateName.Idle }, { "gemini", "finished", AgentStateName.Idle }, { "gemini", "draft", AgentStateName.Idle },
        { "gemini", "working", AgentStateName.Working }, { "gemini", "waiting", AgentStateName.Waiting },
        { "pi", "idle", AgentStateName.Idle }, { "pi", "finished", AgentStateName.Idle }, { "pi", "draft", AgentStateName.Idle },
        { "pi", "working", AgentStateName.Working },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public void Each_recorded_screen_is_recognised_by_its_runtimes_built_in_patterns(string runtime, string screen, AgentStateName expected)
    {
        var text = File.ReadAllText(Fixtures("screens", $"{runtime}-{screen}.txt"));

        var verdict = BuiltInRuntimes.All[runtime].States.Recognize(text);

        Assert.Equal(expected, verdict?.State);
    }

    /// <summary>
    /// Codex draws its input line before it takes prompts; a prompt submitted then is held ("Waiting for startup")
    /// and goes out later, so `send` must not take that screen for idle. Every other recorded screen is no start.
    /// </summary>
    [Theory]
    [InlineData("starting", true)]
    [InlineData("starting-typed", true)]
    [InlineData("idle", false)]
    [InlineData("finished", false)]
    [InlineData("draft", false)]
    [InlineData("working", false)]
    [InlineData("waiting", false)]
    public void Codex_still_starting_is_told_from_Codex_ready(string screen, bool starting)
    {
        var text = File.ReadAllText(Fixtures("screens", $"codex-{screen}.txt"));

        var verdict = BuiltInRuntimes.All["codex"].States.Recognize(text);

        Assert.Equal(starting, verdict?.Starting);
    }

    /// <summary>The state after each recorded event, in recording order (one letter each: i idle, w working, a waiting, s stopped).</summary>
    public static TheoryData<string, string> Sessions => new()
    {
        // SessionStart, UserPromptSubmit, MessageDisplay, Stop, UserPromptSubmit, PreToolUse, PermissionRequest,
        // Notification (permission_prompt), PostToolUse, PostToolBatch, MessageDisplay, Stop, SessionEnd
        { "claude", "iwwiwwaawwwis" },
        // SessionStart (with the first prompt), UserPromptSubmit, Stop, UserPromptSubmit, PreToolUse, PermissionRequest, PostToolUse, Stop
        { "codex", "iwiwwawi" },
        // SessionStart, BeforeAgent, PreCompress, BeforeModel, BeforeToolSelection, AfterModel, AfterAgent, BeforeAgent,
        // PreCompress, BeforeModel, BeforeToolSelection, AfterModel, BeforeTool, Notification (ToolPermission), AfterTool,
        // PreCompress, BeforeModel, BeforeToolSelection, AfterModel, AfterAgent, SessionEnd x3
        { "gemini", "iwwwwwiwwwwwwawwwwwisss" },
        // session_start, input, before_agent_start, agent_start, turn_start, message_start/end x2, turn_end, agent_end,
        // input, before_agent_start, agent_start, turn_start, message_start/end x2, tool_execution_start, tool_call,
        // tool_result, tool_execution_end, message_start/end, turn_end, turn_start, message_start/end, turn_end, agent_end,
        // session_shutdown
        { "pi", "iwwwwwwwwwiwwwwwwwwwwwwwwwwwwwis" },
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Each_recorded_session_replayed_through_the_hook_moves_through_the_expected_states(string runtime, string expected)
    {
        var map = EventMaps.ByRuntime[runtime];
        var files = Directory.GetFiles(Fixtures("hooks", runtime), "*.json").Order(StringComparer.Ordinal).ToList();
        HookReport? report = null;
        var states = new StringBuilder();
        var at = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        for (var i = 0; i < files.Count; i++)
        {
            var payload = File.ReadAllBytes(files[i]);
            var hookEvent = HookEvent.Parse(payload, map);
            report = HookTransition.Apply(report, hookEvent, map, at.AddSeconds(i), i + 1);
            states.Append(report.State switch
            {
                AgentStateName.Idle => 'i', AgentStateName.Working => 'w', AgentStateName.Waiting => 'a', AgentStateName.Stopped => 's', _ => '?',
            });
            // Every submitted prompt is fingerprinted over the text exactly as the payload carries it.
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.TryGetProperty(map.PromptField, out var prompt) && map.Rule(hookEvent.Name, hookEvent.Detail) is { SubmitsPrompt: true })
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prompt.GetString()!))), report.Prompt?.Sha256);
        }

        Assert.Equal(expected, states.ToString());
    }
}
