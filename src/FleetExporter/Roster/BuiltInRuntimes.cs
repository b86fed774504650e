using System.Text.RegularExpressions;

namespace FleetExporter.Roster;

/// <summary>Runtimes every roster knows without declaring them; a roster entry of the same name replaces one.</summary>
public static class BuiltInRuntimes
{
    /// <summary>A `> `-style input line: `> text`, `❯ text` or `› text`, possibly inside a box border.</summary>
    public static readonly Regex DefaultPrompt = new(@"^[\s│|]*(?:>|❯|›)\s(?<input>.*?)[\s│|]*$", RegexOptions.CultureInvariant);

    public static IReadOnlyDictionary<string, RuntimeSpec> All { get; } = new Dictionary<string, RuntimeSpec>
    {
        ["claude"] = Simple("claude", "claude"),
        ["codex"] = Simple("codex", "codex"),
        ["pi"] = Simple("pi", "pi"),
        ["gemini"] = Simple("gemini", "gemini"),
        ["aider"] = Simple("aider", "aider"),
    };

    private static RuntimeSpec Simple(string name, params string[] commands) => new(name, commands, [], [DefaultPrompt]);
}
