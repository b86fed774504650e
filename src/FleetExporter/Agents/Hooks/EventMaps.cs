using FleetExporter.Agents.State;

namespace FleetExporter.Agents.Hooks;

/// <summary>
/// What one hook event means: the state it moves the agent to (null: none, the event only beats), whether it
/// submits a prompt, and whether it starts or ends a subagent that runs in the background.
/// </summary>
public sealed record EventRule(AgentStateName? State, bool SubmitsPrompt = false, SubagentChange Subagent = SubagentChange.None);

/// <summary>A background subagent starting or ending (Claude Code runs a Task subagent while its main prompt is idle).</summary>
public enum SubagentChange { None, Start, Stop }

/// <summary>
/// One runtime's hook events as data. A rule keyed <c>Event/detail</c> (e.g. <c>Notification/idle_prompt</c>) wins
/// over the plain <c>Event</c> rule; an event the map does not know only beats (the state stays as it was), so a
/// runtime that adds events never moves an agent to a wrong state.
/// </summary>
public sealed record RuntimeEventMap(
    string Runtime,
    IReadOnlyDictionary<string, EventRule> Rules,
    string PromptField,
    string? PromptIdField)
{
    /// <summary>Payload fields that qualify an event, first present wins (a notification's type, a session end's reason, a start's source).</summary>
    public static readonly IReadOnlyList<string> DetailFields = ["notification_type", "reason", "source"];

    public EventRule? Rule(string eventName, string? detail) =>
        (detail is not null ? Rules.GetValueOrDefault(eventName + "/" + detail) : null) ?? Rules.GetValueOrDefault(eventName);
}

/// <summary>
/// The event maps of the runtimes fleet-exporter installs hooks for. Sources: Claude Code's hooks reference and the
/// payloads observed in ENVIRONMENT.md; Codex's hooks.json events; Gemini CLI's hooks reference; pi's extension events.
/// </summary>
public static class EventMaps
{
    private static readonly EventRule Working = new(AgentStateName.Working);
    private static readonly EventRule Waiting = new(AgentStateName.Waiting);
    private static readonly EventRule Idle = new(AgentStateName.Idle);
    private static readonly EventRule Stopped = new(AgentStateName.Stopped);
    private static readonly EventRule Prompt = new(AgentStateName.Working, SubmitsPrompt: true);
    private static readonly EventRule BeatOnly = new(null);

    public static readonly RuntimeEventMap Claude = new("claude", new Dictionary<string, EventRule>
    {
        ["SessionStart"] = Idle,
        ["UserPromptSubmit"] = Prompt,
        ["PreToolUse"] = Working,
        ["PermissionRequest"] = Waiting,
        ["PostToolUse"] = Working,
        ["PostToolUseFailure"] = Working,
        // A Task subagent runs in the background: the main turn's Stop comes while it still works.
        ["SubagentStart"] = new(AgentStateName.Working, Subagent: SubagentChange.Start),
        ["SubagentStop"] = new(AgentStateName.Working, Subagent: SubagentChange.Stop),
        ["Elicitation"] = Waiting,
        ["ElicitationResult"] = Working,
        ["Notification/permission_prompt"] = Waiting,
        ["Notification/elicitation_dialog"] = Waiting,
        ["Notification/idle_prompt"] = Idle,
        ["Notification"] = BeatOnly,
        // A compaction runs inside a turn or, by /compact, on its own; neither start nor end changes what the agent does.
        ["PreCompact"] = BeatOnly,
        ["Stop"] = Idle,
        ["StopFailure"] = Idle,
        ["SessionEnd"] = Stopped,
    }, PromptField: "prompt", PromptIdField: "prompt_id");

    public static readonly RuntimeEventMap Codex = new("codex", new Dictionary<string, EventRule>
    {
        // Codex fires SessionStart at the first prompt, not at launch; the UserPromptSubmit right after it says working.
        ["SessionStart"] = Idle,
        ["UserPromptSubmit"] = Prompt,
        ["PreToolUse"] = Working,
        ["PermissionRequest"] = Waiting,
        ["PostToolUse"] = Working,
        ["Stop"] = Idle,
        ["SessionEnd"] = Stopped,
    }, PromptField: "prompt", PromptIdField: "turn_id");

    public static readonly RuntimeEventMap Gemini = new("gemini", new Dictionary<string, EventRule>
    {
        ["SessionStart"] = Idle,
        // BeforeModel, AfterModel, BeforeToolSelection and PreCompress fire around every model call, inside a turn
        // that BeforeAgent already made working: not installed (a hook per model call), so not mapped.
        ["BeforeAgent"] = Prompt,
        ["BeforeTool"] = Working,
        ["Notification/ToolPermission"] = Waiting,
        ["Notification"] = BeatOnly,
        ["AfterTool"] = Working,
        ["AfterAgent"] = Idle,
        ["SessionEnd"] = Stopped,
    }, PromptField: "prompt", PromptIdField: null);

    /// <summary>pi has no command hooks: the extension `hooks install pi` writes forwards these events (payload plus hook_event_name).</summary>
    public static readonly RuntimeEventMap Pi = new("pi", new Dictionary<string, EventRule>
    {
        ["session_start"] = Idle,
        // `input` fires for every message typed, also one steered into a running turn, so it carries the prompt.
        ["input"] = Prompt,
        ["before_agent_start"] = Working,
        ["agent_start"] = Working,
        ["turn_start"] = Working,
        ["turn_end"] = Working,
        ["tool_call"] = Working,
        ["tool_result"] = Working,
        ["agent_end"] = Idle,
        ["session_shutdown"] = Stopped,
    }, PromptField: "text", PromptIdField: null);

    public static IReadOnlyDictionary<string, RuntimeEventMap> ByRuntime { get; } = new Dictionary<string, RuntimeEventMap>(StringComparer.Ordinal)
    {
        [Claude.Runtime] = Claude,
        [Codex.Runtime] = Codex,
        [Gemini.Runtime] = Gemini,
        [Pi.Runtime] = Pi,
    };
}
