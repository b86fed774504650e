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

    public static string Render(string agent, string command, string directory) => $"""
        # fleet-agent@{agent}.service reads this file (EnvironmentFile=). {CommandVariable} runs in the agent's tmux pane
        # through the shell; {DirectoryVariable} is the pane's working directory.
        {CommandVariable}={Quote(command, CommandVariable)}
        {DirectoryVariable}={Quote(directory, DirectoryVariable)}

        """;

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
