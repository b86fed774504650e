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
    /// <summary>What every command we install contains, and so how a later install or uninstall finds ours.</summary>
    public const string Signature = " hook --runtime ";

    public static HookCommandLine Create(string exe, string runtime, string? agent, string? roster) =>
        new([exe, "hook", "--runtime", runtime, .. agent is null ? Array.Empty<string>() : [agent], .. roster is null ? Array.Empty<string>() : ["--roster", roster]]);

    public string ShellLine => string.Join(' ', Argv.Select(ShellQuote));

    public static bool IsOurs(string command) => command.Contains(Signature, StringComparison.Ordinal);

    /// <summary>Agent names as the roster allows them; anything else could never match a roster agent.</summary>
    public static bool IsValidAgentName(string name) => AgentName().IsMatch(name);

    /// <summary>
    /// EXE: the one given, else this process when it is the apphost (so the hook runs the same build), else
    /// <c>fleet-exporter</c> from PATH (e.g. when run as <c>dotnet fleet-exporter.dll</c>).
    /// </summary>
    public static string ResolveExecutable(string? given, string? processPath)
    {
        if (!string.IsNullOrEmpty(given))
            return given.Contains('/') ? Path.GetFullPath(given) : given;
        if (processPath is not null && Path.GetFileName(processPath) == "fleet-exporter")
            return processPath;
        return "fleet-exporter";
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
