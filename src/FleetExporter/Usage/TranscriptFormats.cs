namespace FleetExporter.Usage;

/// <summary>Reads one transcript line: the model response on it, or null.</summary>
public delegate ModelResponse? ResponseParser(ReadOnlySpan<byte> line);

/// <summary>How a runtime's transcript is read, and the directory it must lie in (its own configuration directory).</summary>
public sealed record TranscriptFormat(string Runtime, ResponseParser Parse, Func<IReadOnlyList<string>> Roots);

/// <summary>The runtimes whose transcripts are counted, by the runtime's name in the roster.</summary>
public static class TranscriptFormats
{
    /// <summary>Claude Code writes its transcripts under <c>$CLAUDE_CONFIG_DIR</c>, else <c>~/.claude</c> (<c>projects/</c>).</summary>
    public static readonly TranscriptFormat Claude = new("claude", ClaudeTranscript.Parse,
        () => [Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR") is { Length: > 0 } dir ? dir : Home(".claude")]);

    public static TranscriptFormat? For(string runtime) => runtime switch
    {
        "claude" => Claude,
        _ => null,
    };

    private static string Home(string name) => Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/", name);
}
