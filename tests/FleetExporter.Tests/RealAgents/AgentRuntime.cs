using System.Text.RegularExpressions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// One coding agent the rig can drive: its pinned npm package, its binary, what its pane shows when it is ready
/// for a prompt, and how it is told to exit. The screens are those of the pinned versions (see ENVIRONMENT.md).
/// </summary>
public sealed record AgentRuntime(
    string Name,
    string Package,
    string Version,
    string Binary,
    Regex Ready,
    string ExitCommand,
    IReadOnlyList<string> HookEvents)
{
    /// <summary>The input line (its text in group 1; the last match is the box), null when it has no marker (pi).</summary>
    public Regex? InputLine => Name switch
    {
        "claude" => new Regex(@"^❯\u00a0(.*?)\s*$", RegexOptions.Multiline),
        "codex" => new Regex(@"^› (.*?)\s*$", RegexOptions.Multiline),
        "gemini" => new Regex(@"^\W*> +(.*?)[\s│]*$", RegexOptions.Multiline),
        _ => null,
    };

    /// <summary>
    /// What shows once the typed exit command will run as a command, null when nothing needs waiting for: Gemini
    /// CLI loads its slash commands after drawing its prompt, and sends an unknown "/quit" to the model as a prompt.
    /// </summary>
    public Regex? ExitOffered => Name == "gemini" ? new Regex(@"(?m)^\s*quit\s+Exit the cli") : null;

    /// <summary>How long after <see cref="Ready"/> shows the agent takes keys: none lost a key after 0.7 s.</summary>
    public TimeSpan Settle => TimeSpan.FromSeconds(0.7);

    public static readonly AgentRuntime Claude = new(
        "claude", "@anthropic-ai/claude-code", "2.1.328", "claude",
        new Regex(@"^❯\u00a0", RegexOptions.Multiline), "/exit",
        // Every event 2.1.328 accepts (from its settings schema) but WorktreeCreate/WorktreeRemove, whose hooks
        // replace the worktree commands instead of observing them.
        ["SessionStart", "SessionEnd", "Setup", "UserPromptSubmit", "UserPromptExpansion", "PreToolUse", "PostToolUse",
         "PostToolUseFailure", "PostToolBatch", "PermissionRequest", "PermissionDenied", "Notification", "Stop", "StopFailure",
         "SubagentStart", "SubagentStop", "PreCompact", "PostCompact", "PreModelSwitch", "PostModelSwitch", "TeammateIdle",
         "TaskCreated", "TaskCompleted", "Elicitation", "ElicitationResult", "ConfigChange", "InstructionsLoaded",
         "CwdChanged", "FileChanged", "DirectoryAdded", "MessageDisplay"]);

    public static readonly AgentRuntime Codex = new(
        "codex", "@openai/codex", "0.169.0", "codex",
        // Ready once the footer names the model: Codex 0.169 draws its input line and "? for shortcuts" at once,
        // then spends its startup (installing and starting its app-server daemon, connecting, starting the thread;
        // 30 s and more on a loaded machine) on that screen, where typed text stays a draft and Enter does nothing.
        // The footer's "<model> <effort> · <cwd>" line comes with the configured session.
        new Regex(@"^› .*\n(?:[ \t]*\n)*[ \t]+" + Regex.Escape(RealAgent.ModelName) + @" .*· ", RegexOptions.Multiline), "/quit",
        ["SessionStart", "SessionEnd", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PermissionRequest", "Stop",
         "SubagentStart", "SubagentStop", "PreCompact", "PostCompact"]);

    public static readonly AgentRuntime Gemini = new(
        "gemini", "@google/gemini-cli", "0.61.0", "gemini",
        // The input box is drawn before the configuration is loaded; a prompt typed then is queued, and a slash
        // command typed then is queued as a prompt (the model got "/quit"). The header comes with the configuration.
        new Regex(@"Gemini CLI v\d[\s\S]*Type your message or @path/to/file"), "/quit",
        ["SessionStart", "SessionEnd", "BeforeAgent", "AfterAgent", "BeforeModel", "AfterModel", "BeforeToolSelection",
         "BeforeTool", "AfterTool", "PreCompress", "Notification"]);

    /// <summary>pi has no command hooks: an extension sees its events (see tests/agents/pi-recorder.ts).</summary>
    public static readonly AgentRuntime Pi = new(
        "pi", "@mariozechner/pi-coding-agent", "0.73.1", "pi",
        new Regex(@"\(auto\)\s+" + Regex.Escape(RealAgent.ModelName)), "/quit",
        []);

    public static IReadOnlyList<AgentRuntime> All { get; } = [Claude, Codex, Gemini, Pi];

    public static AgentRuntime Named(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentException($"no runtime {name}", nameof(name));

    /// <summary>The installed binary (tests/.agents, put there by tests/run.sh).</summary>
    public string BinaryPath => RealAgent.AgentsBin(Binary);

    public string PackageJson => Path.Combine(RealAgent.AgentsDirectory, "node_modules", Package, "package.json");

    /// <summary>Why this runtime cannot run here, or null when its pinned version is installed.</summary>
    public string? Missing()
    {
        if (!File.Exists(BinaryPath) || !File.Exists(PackageJson))
            return $"{Package}@{Version} is not installed in {RealAgent.AgentsDirectory} (tests/run.sh installs it)";
        var version = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(PackageJson))?["version"]?.GetValue<string>();
        return version == Version ? null : $"{Package} is {version} in {RealAgent.AgentsDirectory}, the rig is written for {Version}";
    }

    public override string ToString() => Name;
}
