namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Where one real agent keeps its files, all inside the test's temporary directory. With <see cref="UserRoot"/>,
/// agents share one user's HOME, CODEX_HOME and working directory, as a fleet's agents of one user do.
/// </summary>
public sealed record AgentPaths(string Root, string? UserRoot = null)
{
    /// <summary>The agent's HOME (private, or the user's).</summary>
    public string Home => Path.Combine(UserRoot ?? Root, "home");

    /// <summary>The agent's working directory (trusted project).</summary>
    public string Work => Path.Combine(UserRoot ?? Root, "work");

    /// <summary>The agent's TMPDIR.</summary>
    public string Tmp => Path.Combine(Root, "tmp");

    public string CodexHome => Path.Combine(UserRoot ?? Root, "codex-home");

    public string PiExtensions => Path.Combine(Home, ".pi", "agent", "extensions");

    /// <summary>Every request the model stub received, one JSON line each.</summary>
    public string StubLog => Path.Combine(Root, "stub.log");

    public string StubErrors => Path.Combine(Root, "stub.err");

    public string LaunchScript => Path.Combine(Root, "launch.sh");

    internal string AgentPidFile => Path.Combine(Root, "agent.pid");

    internal string StubPidFile => Path.Combine(Root, "stub.pid");

    /// <summary>The file that holds the runtime's hooks: what <c>fleet-exporter hooks install --settings</c> edits.</summary>
    public string HooksSettings(AgentRuntime runtime) => runtime.Name switch
    {
        "claude" => Path.Combine(Home, ".claude", "settings.json"),
        "codex" => Path.Combine(CodexHome, "hooks.json"),
        "gemini" => Path.Combine(Home, ".gemini", "settings.json"),
        "pi" => Path.Combine(PiExtensions, "fleet-exporter.ts"),
        _ => throw new ArgumentException(runtime.Name),
    };

    /// <summary>Every transcript the runtime wrote in these directories, oldest first.</summary>
    public IReadOnlyList<string> Transcripts(AgentRuntime runtime)
    {
        var (root, pattern) = runtime.Name switch
        {
            "claude" => (Path.Combine(Home, ".claude", "projects"), "*.jsonl"),
            "codex" => (Path.Combine(CodexHome, "sessions"), "rollout-*.jsonl"),
            "gemini" => (Path.Combine(Home, ".gemini", "tmp"), "session-*.json*"),
            _ => (Path.Combine(Home, ".pi", "agent", "sessions"), "*.jsonl"),
        };
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories).OrderBy(File.GetLastWriteTimeUtc)]
            : [];
    }
}
