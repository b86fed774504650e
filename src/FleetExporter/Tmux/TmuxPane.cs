namespace FleetExporter.Tmux;

/// <summary>
/// The first pane of an agent's session (the one the unit started), as tmux reports it. ServerPid is the tmux
/// server's, the parent of every pane process.
/// </summary>
public sealed record TmuxPane(
    string Session,
    string PaneId,
    int? PanePid,
    string CurrentCommand,
    bool Dead,
    int? DeadStatus,
    DateTimeOffset? LastActivity,
    string Tty,
    int Width,
    int Height,
    int? ServerPid = null);

/// <summary>Every session's first pane, by session name. Empty when no tmux server runs.</summary>
public sealed record TmuxObservation(IReadOnlyDictionary<string, TmuxPane> Sessions, bool ServerRunning);
