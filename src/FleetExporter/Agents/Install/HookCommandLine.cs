using System.Text;
using System.Text.RegularExpressions;

namespace FleetExporter.Agents.Install;

/// <summary>
/// The command each installed hook runs: <c>EXE hook --runtime RUNTIME [AGENT] [--roster PATH]</c>, as an
/// argument vector (for pi, which spawns it directly) and as one line for sh (for the runtimes that run hooks
/// through a shell).
/// </summary>
public sealed partial record HookCommandLine(IReadOnlyList<string> Argv)
{
    /// <summary>The program name of every command we install (any folder).</summary>
    public const string ProgramName = "fleet-exporter";

    /// <summary>The names a hook's program may have: the exporter, or the hook binary beside it (<see cref="HookBinary"/>).</summary>
    public static bool IsProgramName(string name) => name is ProgramName or HookBinary.Name;

    public static HookCommandLine Create(string exe, string runtime, string? agent, string? roster) =>
        new([exe, "hook", "--runtime", runtime, .. agent is null ? Array.Empty<string>() : [agent], .. roster is null ? Array.Empty<string>() : ["--roster", roster]]);

    public string ShellLine => string.Join(' ', Argv.Select(ShellQuote));

    /// <summary>
    /// Whether a hook command is one we install, by its exact shape, never by a substring (a user's own command that
    /// contains " hook --runtime " was rewritten by install and deleted by uninstall): sh words as
    /// <see cref="ShellLine"/> writes them, <c>.../fleet-exporter hook --runtime RUNTIME [AGENT] [--roster PATH]</c>.
    /// </summary>
    public static bool IsOurs(string command) =>
        ShellWords(command) is [var exe, "hook", "--runtime", var runtime, .. var rest]
        && IsProgramName(Path.GetFileName(exe)) && HookRuntimes.Find(runtime) is not null
        && rest switch
        {
            [] => true,
            [var agent] => IsValidAgentName(agent),
            ["--roster", { Length: > 0 }] => true,
            [var agent, "--roster", { Length: > 0 }] => IsValidAgentName(agent),
            _ => false,
        };

    /// <summary>The words of a line as <see cref="ShellQuote"/> writes them (bare words, single quotes, <c>'\''</c>), or null for any other shell syntax.</summary>
    private static List<string>? ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ' ')
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                if (end < 0) return null;
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
            {
                word.Append('\'');
                i++;
                inWord = true;
            }
            else if (SafeWord().IsMatch(c.ToString()))
            {
                word.Append(c);
                inWord = true;
            }
            else return null;
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    /// <summary>Agent names as the roster allows them; anything else could never match a roster agent.</summary>
    public static bool IsValidAgentName(string name) => AgentName().IsMatch(name);

    /// <summary>
    /// EXE: the one given, else this process when it is the apphost (so the hook runs the same build), or the hook
    /// binary beside it when there is one (it starts in a third of the time), else <c>fleet-exporter</c> from PATH
    /// (e.g. when run as <c>dotnet fleet-exporter.dll</c>). See <see cref="HookBinary.Beside"/> for the other two.
    /// </summary>
    public static string ResolveExecutable(string? given, string? processPath, TextWriter? error = null, Func<string, string?>? versionOf = null)
    {
        if (!string.IsNullOrEmpty(given))
            return given.Contains('/') ? Path.GetFullPath(given) : given;
        if (processPath is not null && Path.GetFileName(processPath) == ProgramName)
            return HookBinary.Beside(processPath, error, versionOf) ?? processPath;
        return ProgramName;
    }

    /// <summary>Quotes one word for POSIX sh: bare when it is plainly safe, else in single quotes.</summary>
    public static string ShellQuote(string word)
    {
        if (word.Length > 0 && SafeWord().IsMatch(word))
            return word;
        var quoted = new StringBuilder("'");
        foreach (var c in word)
            quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        return quoted.Append('\'').ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_./:=@%+,-]+\\z")]
    private static partial Regex SafeWord();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}\\z")]
    private static partial Regex AgentName();
}
