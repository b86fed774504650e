using System.Text.Json.Nodes;

namespace FleetExporter.Tests.RealAgents;

/// <summary>What a test puts in place before a real agent starts.</summary>
public sealed record RealAgentOptions
{
    /// <summary>
    /// The value of <c>"hooks"</c>: in <c>~/.claude/settings.json</c> (claude), <c>$CODEX_HOME/hooks.json</c> (codex)
    /// or <c>~/.gemini/settings.json</c> (gemini). Ignored for pi (see <see cref="Extensions"/>).
    /// </summary>
    public JsonObject? Hooks { get; init; }

    /// <summary>pi extensions to put in <c>~/.pi/agent/extensions/</c>: file name → TypeScript source.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Runs after the rig has written the agent's configuration and before the agent starts, e.g. to run
    /// <c>fleet-exporter hooks install</c> against <see cref="AgentPaths.HooksSettings"/>. Codex hooks found in
    /// hooks.json afterwards are pre-trusted (<see cref="CodexHookTrust"/>).
    /// </summary>
    public Func<AgentPaths, Task>? Prepare { get; init; }

    /// <summary>More environment for the agent (and so for its hooks), e.g. <c>FLEET_AGENT</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// False: the start returns as soon as the agent's process is known, without waiting for its prompt, so a test
    /// can see the screens it shows while it starts.
    /// </summary>
    public bool WaitForPrompt { get; init; } = true;

    /// <summary>False: Codex hooks found in hooks.json are left untrusted, so Codex asks to review them at its start.</summary>
    public bool TrustCodexHooks { get; init; } = true;

    public string Session { get; init; } = "agent";

    /// <summary>A folder that several agents share as one user's HOME, CODEX_HOME and working directory (<see cref="AgentPaths.UserRoot"/>).</summary>
    public string? UserRoot { get; init; }

    /// <summary>Arguments after the runtime's binary, e.g. Codex's <c>--no-daemon</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    public int Width { get; init; } = 160;

    public int Height { get; init; } = 50;
}
