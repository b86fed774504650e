using System.Text.RegularExpressions;
using FleetExporter.Agents.Panes;

namespace FleetExporter.Roster;

public enum SystemdScope { User, System }

/// <summary>The fleet this host watches, as read and validated from a roster file.</summary>
public sealed record FleetRoster(
    string? SourcePath,
    string Host,
    HeartbeatSettings Heartbeat,
    SystemdSettings Systemd,
    TmuxSettings Tmux,
    IReadOnlyDictionary<string, RuntimeSpec> Runtimes,
    IReadOnlyList<AgentSpec> Agents)
{
    public AgentSpec? FindAgent(string name) => Agents.FirstOrDefault(a => a.Name == name);

    /// <summary>Where `send` appends one JSON line per send, and the exporter counts them (roster <c>send_journal</c>).</summary>
    public string SendJournal { get; init; } = RosterLoader.DefaultSendJournal();
}

public sealed record HeartbeatSettings(string Directory, TimeSpan Interval)
{
    public string FileFor(string agent) => Path.Combine(Directory, agent + ".hb");
}

public sealed record SystemdSettings(SystemdScope Scope, string UnitTemplate, string LingerDirectory, TimeSpan UnitFileStateMaxAge);

/// <summary>Which tmux server holds the fleet: <c>-L name</c>, <c>-S path</c>, or neither (the default server).</summary>
public sealed record TmuxSettings(string? SocketName, string? SocketPath)
{
    public IReadOnlyList<string> ServerArguments() =>
        SocketPath is not null ? ["-S", SocketPath]
        : SocketName is not null ? ["-L", SocketName]
        : [];
}

/// <summary>How one runtime shows up among a pane's processes, what its input prompt looks like, and what its screens say of its state.</summary>
public sealed record RuntimeSpec(string Name, IReadOnlyList<string> Commands, IReadOnlyList<Regex> Match, IReadOnlyList<Regex> Prompts, PaneRecognizer? Screens = null)
{
    public PaneRecognizer States => Screens ?? PaneRecognizer.None;
}

public sealed record AgentSpec(
    string Name,
    string Runtime,
    string Unit,
    string Session,
    string Tenant,
    TimeSpan HeartbeatInterval,
    int Line);
