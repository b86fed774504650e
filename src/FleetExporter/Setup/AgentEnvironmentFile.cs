using System.Text;

namespace FleetExporter.Setup;

/// <summary>
/// The <c>NAME.env</c> file an agent unit reads (<c>EnvironmentFile=</c>): what runs in the pane and where.
/// Values are written double-quoted with systemd's escapes, so any command line survives as typed.
/// </summary>
public static class AgentEnvironmentFile
{
    public const string CommandVariable = "FLEET_COMMAND";
    public const string DirectoryVariable = "FLEET_DIR";
    /// <summary>The program the unit runs to write the agent's start beat (<c>heartbeat --started</c>); unset, no start beat.</summary>
    public const string ExporterVariable = "FLEET_EXPORTER";

    public static string Render(string agent, string command, string directory, string? exporter = null, string? roster = null)
    {
        var text = $"""
            # fleet-agent@{agent}.service reads this file (EnvironmentFile=). {CommandVariable} runs in the agent's tmux pane
            # through the shell; {DirectoryVariable} is the pane's working directory.
            {CommandVariable}={Quote(command, CommandVariable)}
            {DirectoryVariable}={Quote(directory, DirectoryVariable)}

            """;
        if (exporter is null) return text;
        return text + $"""
            # As the unit starts the agent, {ExporterVariable} writes its first heartbeat (heartbeat --started), from the roster
            # {Roster.RosterLoader.EnvironmentVariable} names: the agent is not HB-MISSING before its first hook event, nor DRIFT while a wrapper starts it.
            {ExporterVariable}={Quote(exporter, ExporterVariable)}
            {(roster is null ? "" : $"{Roster.RosterLoader.EnvironmentVariable}={Quote(roster, Roster.RosterLoader.EnvironmentVariable)}\n")}
            """;
    }

    /// <summary>systemd reads <c>\"</c>, <c>\\</c>, <c>\$</c> and <c>\`</c> inside double quotes; a line break or control character has no place here.</summary>
    public static string Quote(string value, string variable)
    {
        if (value.Length == 0) throw new ArgumentException($"{variable} may not be empty");
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (char.IsControl(c)) throw new ArgumentException($"{variable} may not contain control characters or line breaks");
            if (c is '"' or '\\' or '$' or '`') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }
}
