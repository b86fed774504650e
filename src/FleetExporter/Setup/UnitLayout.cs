using System.Text.RegularExpressions;

namespace FleetExporter.Setup;

/// <summary>
/// The names the shipped units use for each other and for the tmux server: the defaults match the roster's
/// (<c>fleet-agent@{name}.service</c>, tmux <c>-L default</c>); the demo and the benchmark give names of their own so
/// they never touch a real fleet.
/// </summary>
public sealed partial record UnitLayout(string TmuxUnit, string AgentTemplate, IReadOnlyList<string> TmuxServer, string AgentEnvironmentDirectory)
{
    public const string DefaultTmuxUnit = "fleet-tmux.service";
    public const string DefaultAgentTemplate = "fleet-agent@.service";

    /// <summary>Where an agent unit reads its <c>NAME.env</c>: <c>%E</c> is the user manager's <c>$XDG_CONFIG_HOME</c>.</summary>
    public const string DefaultAgentEnvironmentDirectory = "%E/fleet/agents";

    public static UnitLayout Default { get; } = new(DefaultTmuxUnit, DefaultAgentTemplate, ["-L", "default"], DefaultAgentEnvironmentDirectory);

    /// <summary>A layout with other names, checked: each must stand in a unit file (and in sh) as it is.</summary>
    public static UnitLayout Named(string tmuxUnit, string agentTemplate, IReadOnlyList<string> tmuxServer, string agentEnvironmentDirectory)
    {
        if (!UnitName().IsMatch(tmuxUnit)) throw new ArgumentException($"not a service unit name: {tmuxUnit}", nameof(tmuxUnit));
        if (!TemplateName().IsMatch(agentTemplate)) throw new ArgumentException($"not a template unit name (NAME@.service): {agentTemplate}", nameof(agentTemplate));
        var words = agentEnvironmentDirectory == DefaultAgentEnvironmentDirectory ? tmuxServer : tmuxServer.Append(agentEnvironmentDirectory);
        foreach (var word in words)
            if (!PlainWord().IsMatch(word)) throw new ArgumentException($"a unit file cannot carry \"{word}\" unquoted: use letters, digits and . _ / : @ + , - only");
        return new(tmuxUnit, agentTemplate, tmuxServer, agentEnvironmentDirectory);
    }

    /// <summary>The unit name of one agent, <c>PREFIX@NAME.service</c>.</summary>
    public string AgentUnit(string agent) => AgentTemplate.Replace("@.", "@" + agent + ".", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9:_.-]+\\.service\\z")]
    private static partial Regex UnitName();

    [GeneratedRegex("^[A-Za-z0-9:_.-]+@\\.service\\z")]
    private static partial Regex TemplateName();

    // Words systemd and sh both take as they are: no spaces, quotes, '$', '%', '\\' or ';'.
    [GeneratedRegex("^[A-Za-z0-9._/:@+,-]+\\z")]
    private static partial Regex PlainWord();
}
