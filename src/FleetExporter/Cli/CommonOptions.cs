using System.CommandLine;
using FleetExporter.Roster;

namespace FleetExporter.Cli;

/// <summary>Options every subcommand shares, and the roster loading that turns a bad roster into exit code 2.</summary>
public static class CommonOptions
{
    public static Option<string?> Roster { get; } = new("--roster")
    {
        Description = $"Roster file (YAML). Default: ${RosterLoader.EnvironmentVariable}, else ${{XDG_CONFIG_HOME:-~/.config}}/fleet/roster.yaml",
        Recursive = true,
        HelpName = "PATH",
    };

    public static string RosterPath(ParseResult parse) => parse.GetValue(Roster) is { Length: > 0 } p ? p : RosterLoader.DefaultPath();

    /// <summary>Loads the roster or writes a clear error to stderr and returns null (exit code 2 follows).</summary>
    public static FleetRoster? LoadRoster(ParseResult parse, TextWriter error)
    {
        var path = RosterPath(parse);
        if (!File.Exists(path))
        {
            error.WriteLine($"fleet-exporter: no roster at {path}. Pass --roster PATH, set ${RosterLoader.EnvironmentVariable}, or create it (see README \"The roster\").");
            return null;
        }
        try { return RosterLoader.LoadFile(path); }
        catch (RosterException e)
        {
            error.WriteLine($"fleet-exporter: roster error: {e.Message}");
            return null;
        }
    }
}
