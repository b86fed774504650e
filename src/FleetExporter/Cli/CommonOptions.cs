using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using FleetExporter.Roster;

namespace FleetExporter.Cli;

/// <summary>Options every subcommand shares, and the roster loading that turns a bad roster into exit code 2.</summary>
public static class CommonOptions
{
    /// <summary>
    /// On the root (<c>--roster PATH ps</c>) and on every command that reads a roster (<c>ps --roster PATH</c>), attached
    /// by <see cref="FleetCli"/>; not on <c>demo</c>, which serves its own sample fleet.
    /// </summary>
    public static Option<string?> Roster { get; } = new("--roster")
    {
        Description = $"Roster file (YAML). Default: ${RosterLoader.EnvironmentVariable}, else ${{XDG_CONFIG_HOME:-~/.config}}/fleet/roster.yaml",
        HelpName = "PATH",
    };

    public static string RosterPath(ParseResult parse) => parse.GetValue(Roster) is { Length: > 0 } p ? p : RosterLoader.DefaultPath();

    /// <summary>Loads the roster or writes a clear error to stderr and returns null (exit code 2 follows).</summary>
    public static FleetRoster? LoadRoster(ParseResult parse, TextWriter error)
    {
        var path = RosterPath(parse);
        // Anything at the path (a directory, a FIFO) is the loader's to refuse with its reason; only nothing is "no roster".
        if (!Path.Exists(path))
        {
            error.WriteLine($"fleet-exporter: no roster at {Text.Printable.Escape(path)}. Pass --roster PATH, set ${RosterLoader.EnvironmentVariable}, or create it (see README \"The roster\").");
            return null;
        }
        try { return RosterLoader.LoadFile(path); }
        catch (RosterException e)
        {
            error.WriteLine($"fleet-exporter: roster error: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Loads the roster and finds the named agent in it. When it cannot, it has written why to stderr and
    /// <paramref name="exitCode"/> says how to exit: <see cref="ExitCodes.Usage"/> for a bad roster,
    /// <see cref="ExitCodes.UnknownAgent"/> for a name the roster does not list. <paramref name="consequence"/>
    /// ends the unknown-agent message (e.g. "nothing sent").
    /// </summary>
    public static bool TryResolveAgent(ParseResult parse, string name, TextWriter error,
        [NotNullWhen(true)] out FleetRoster? roster, [NotNullWhen(true)] out AgentSpec? agent, out int exitCode, string? consequence = null)
    {
        agent = null;
        roster = LoadRoster(parse, error);
        if (roster is null)
        {
            exitCode = ExitCodes.Usage;
            return false;
        }
        agent = roster.FindAgent(name);
        if (agent is null)
        {
            error.WriteLine($"fleet-exporter: unknown agent {Text.Printable.Quote(name)} (not in {roster.SourcePath}){(consequence is null ? "" : "; " + consequence)}");
            exitCode = ExitCodes.UnknownAgent;
            return false;
        }
        exitCode = ExitCodes.Ok;
        return true;
    }

    /// <summary>
    /// As <see cref="TryResolveAgent"/>, for a command that needs only the agent's name, runtime, interval and heartbeat
    /// directory (<c>heartbeat</c>): through <see cref="AgentCache"/>, so it does not parse the whole roster each time.
    /// </summary>
    public static bool TryResolveCachedAgent(ParseResult parse, string name, TextWriter error, [NotNullWhen(true)] out CachedAgent? agent, out int exitCode)
    {
        agent = null;
        var path = RosterPath(parse);
        exitCode = ExitCodes.Usage;
        if (!Path.Exists(path))
        {
            LoadRoster(parse, error);   // says there is no roster, and how to give one
            return false;
        }
        try { agent = AgentCache.Find(path, name); }
        catch (RosterException e)
        {
            error.WriteLine($"fleet-exporter: roster error: {e.Message}");
            return false;
        }
        if (agent is null)
        {
            error.WriteLine($"fleet-exporter: unknown agent {Text.Printable.Quote(name)} (not in {path})");
            exitCode = ExitCodes.UnknownAgent;
            return false;
        }
        exitCode = ExitCodes.Ok;
        return true;
    }
}
