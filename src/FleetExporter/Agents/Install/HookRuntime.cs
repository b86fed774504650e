namespace FleetExporter.Agents.Install;

/// <summary>One event to hook; <see cref="Matcher"/> is null where the runtime takes none for that event.</summary>
public sealed record HookEvent(string Name, string? Matcher = null);

/// <summary>How fleet-exporter's hooks go into one runtime: the file, its format and the events.</summary>
public sealed record HookRuntime(
    string Name,
    HookFileFormat Format,
    IReadOnlyList<HookEvent> Events,
    Func<Func<string, string?>, string, string> DefaultPath)
{
    /// <summary>Gemini parses its settings as JSON with comments (strip-json-comments); the others as plain JSON.</summary>
    public bool AllowsComments { get; init; }

    /// <summary>Keys of the <c>hooks</c> object that are settings, not events (Gemini's legacy hooks.enabled and friends).</summary>
    public IReadOnlySet<string> NonEventKeys { get; init; } = new HashSet<string>();

    /// <summary>A <c>name</c> for our handlers, where the runtime shows and toggles hooks by name.</summary>
    public string? HandlerName { get; init; }

    /// <summary>The settings file for this user: <paramref name="env"/> reads environment variables, <paramref name="home"/> is $HOME.</summary>
    public string PathFor(Func<string, string?> env, string home) => DefaultPath(env, home);
}

public enum HookFileFormat
{
    /// <summary>A JSON object whose <c>hooks</c> maps event -> [ { matcher?, hooks: [ { type, command } ] } ].</summary>
    JsonHooks,

    /// <summary>pi has no command hooks: a TypeScript extension file that pi loads without a build step.</summary>
    PiExtension,
}

/// <summary>
/// The four runtimes and the events each one gets, as the runtimes document them (see README "Hooks"):
/// Claude Code's hooks reference, Codex's codex-rs/config/src/hook_config.rs (0.169), gemini-cli's
/// docs/hooks/reference.md and pi's docs/extensions.md.
/// </summary>
public static class HookRuntimes
{
    public const string ExtensionFileName = "fleet-exporter.ts";

    public static HookRuntime Claude { get; } = new("claude", HookFileFormat.JsonHooks,
    [
        new("SessionStart", "*"), new("UserPromptSubmit"), new("PreToolUse", "*"), new("PostToolUse", "*"),
        new("PostToolUseFailure", "*"), new("PermissionRequest", "*"), new("Notification", "*"), new("Stop"),
        // A turn that ends on an API error fires StopFailure instead of Stop; an MCP server's question, Elicitation.
        new("StopFailure", "*"), new("Elicitation", "*"), new("ElicitationResult", "*"),
        new("SubagentStart", "*"), new("SubagentStop", "*"), new("PreCompact", "*"), new("SessionEnd", "*"),
    ],
        // Claude Code keeps its user settings in $CLAUDE_CONFIG_DIR when that is set.
        (env, home) => Path.Combine(NonEmpty(env("CLAUDE_CONFIG_DIR")) ?? Path.Combine(home, ".claude"), "settings.json"));

    public static HookRuntime Codex { get; } = new("codex", HookFileFormat.JsonHooks,
    [
        // Codex ignores matchers on UserPromptSubmit and Stop (hooks/src/events/common.rs).
        new("SessionStart", "*"), new("UserPromptSubmit"), new("PreToolUse", "*"), new("PermissionRequest", "*"),
        new("PostToolUse", "*"), new("Stop"), new("SessionEnd"),
    ],
        (env, home) => Path.Combine(NonEmpty(env("CODEX_HOME")) ?? Path.Combine(home, ".codex"), "hooks.json"));

    public static HookRuntime Gemini { get; } = new("gemini", HookFileFormat.JsonHooks,
    [
        // Only tool events match on a regular expression; no matcher matches every lifecycle trigger.
        new("SessionStart"), new("BeforeAgent"), new("BeforeTool", "*"), new("AfterTool", "*"), new("AfterAgent"),
        new("Notification"), new("SessionEnd"),
    ],
        // GEMINI_CLI_HOME replaces the home directory under which gemini keeps .gemini/.
        (env, home) => Path.Combine(NonEmpty(env("GEMINI_CLI_HOME")) ?? home, ".gemini", "settings.json"))
    {
        AllowsComments = true,
        NonEventKeys = new HashSet<string> { "enabled", "disabled", "notifications" },
        HandlerName = "fleet-exporter",
    };

    public static HookRuntime Pi { get; } = new("pi", HookFileFormat.PiExtension,
    [
        new("session_start"), new("input"), new("before_agent_start"), new("agent_start"), new("turn_start"),
        new("turn_end"), new("tool_call"), new("tool_result"), new("agent_end"), new("session_shutdown"),
    ],
        (env, home) => Path.Combine(NonEmpty(env("PI_CODING_AGENT_DIR")) ?? Path.Combine(home, ".pi", "agent"), "extensions", ExtensionFileName));

    public static IReadOnlyList<HookRuntime> All { get; } = [Claude, Codex, Gemini, Pi];

    public static HookRuntime? Find(string name) => All.FirstOrDefault(r => r.Name == name);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
