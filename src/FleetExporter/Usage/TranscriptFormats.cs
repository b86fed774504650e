namespace FleetExporter.Usage;

/// <summary>Reads one transcript line: the model response on it, or null; <paramref name="cursor"/> carries what earlier lines said.</summary>
public delegate ModelResponse? ResponseParser(ReadOnlySpan<byte> line, TranscriptCursor cursor);

/// <summary>What earlier lines of a transcript said that later ones need (Codex: the model of the turn, the running totals).</summary>
public sealed class TranscriptCursor
{
    public string? Model { get; set; }
    public CumulativeUsage? Cumulative { get; set; }

    /// <summary>The rate-limit windows the lines read reported last (Codex), or null when they reported none.</summary>
    public IReadOnlyList<RateLimitWindow>? RateLimits { get; set; }
}

/// <summary>How a runtime's transcript is read, and the directory it must lie in (its own configuration directory).</summary>
public sealed record TranscriptFormat(string Runtime, ResponseParser Parse, Func<IReadOnlyList<string>> Roots)
{
    /// <summary>The hook events that say a turn ended, a tool call ended (and how) or a turn failed on an API error.</summary>
    public IReadOnlyDictionary<string, UsageEvent> Events { get; init; } = new Dictionary<string, UsageEvent>();

    /// <summary>What the transcript's lines say happened where no hook says it (<see cref="TranscriptEvents"/>).</summary>
    public TranscriptEventParser ReadEvents { get; init; } = TranscriptEvents.None;
}

/// <summary>What a hook event says happened, as the usage counts it.</summary>
public enum UsageEvent { Turn, ToolSucceeded, ToolFailed, ToolDenied, ApiError }

/// <summary>The runtimes whose transcripts are counted, by the runtime's name in the roster.</summary>
public static class TranscriptFormats
{
    /// <summary>Claude Code writes its transcripts under <c>$CLAUDE_CONFIG_DIR</c>, else <c>~/.claude</c> (<c>projects/</c>).</summary>
    public static readonly TranscriptFormat Claude = new("claude", (line, _) => ClaudeTranscript.Parse(line),
        () => [Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR") is { Length: > 0 } dir ? dir : Home(".claude")])
    {
        Events = new Dictionary<string, UsageEvent>
        {
            ["Stop"] = UsageEvent.Turn, ["StopFailure"] = UsageEvent.ApiError,
            ["PostToolUse"] = UsageEvent.ToolSucceeded, ["PostToolUseFailure"] = UsageEvent.ToolFailed,
        },
        ReadEvents = TranscriptEvents.Claude,
    };

    /// <summary>Codex writes its rollouts under <c>$CODEX_HOME</c>, else <c>~/.codex</c> (<c>sessions/</c>).</summary>
    public static readonly TranscriptFormat Codex = new("codex", CodexRollout.Parse,
        () => [Environment.GetEnvironmentVariable("CODEX_HOME") is { Length: > 0 } dir ? dir : Home(".codex")])
    {
        Events = new Dictionary<string, UsageEvent> { ["Stop"] = UsageEvent.Turn, ["PostToolUse"] = UsageEvent.ToolSucceeded },
        ReadEvents = TranscriptEvents.Codex,
    };

    /// <summary>Gemini CLI writes its chats under <c>~/.gemini</c> (<c>tmp/&lt;project&gt;/chats/</c>).</summary>
    public static readonly TranscriptFormat Gemini = new("gemini", (line, _) => GeminiChat.Parse(line), () => [Home(".gemini")])
    {
        Events = new Dictionary<string, UsageEvent> { ["AfterAgent"] = UsageEvent.Turn },
        ReadEvents = TranscriptEvents.Gemini,
    };

    /// <summary>pi writes its sessions under <c>$PI_CODING_AGENT_DIR</c>, else <c>~/.pi/agent</c> (<c>sessions/</c>).</summary>
    public static readonly TranscriptFormat Pi = new("pi", (line, _) => PiSession.Parse(line),
        () => [Environment.GetEnvironmentVariable("PI_CODING_AGENT_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Home(".pi"), "agent")])
    {
        Events = new Dictionary<string, UsageEvent> { ["agent_end"] = UsageEvent.Turn },
        ReadEvents = TranscriptEvents.Pi,
    };

    public static TranscriptFormat? For(string runtime) => runtime switch
    {
        "pi" => Pi,
        "claude" => Claude,
        "codex" => Codex,
        "gemini" => Gemini,
        _ => null,
    };

    private static string Home(string name) => Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/", name);
}
