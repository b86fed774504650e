using FleetExporter.Usage;
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

    /// <summary>The roster's prices (<c>prices:</c>), before the shipped ones (docs/usage.md).</summary>
    public PriceTable Prices { get; init; } = PriceTable.Default;

    /// <summary>Each tenant's daily budget in USD (<c>budgets.tenants</c>), for all its agents: set the same on every host.</summary>
    public IReadOnlyDictionary<string, double> TenantBudgetsUsdPerDay { get; init; } = new Dictionary<string, double>();
}

public sealed record HeartbeatSettings(string Directory, TimeSpan Interval)
{
    public string FileFor(string agent) => Path.Combine(Directory, agent + ".hb");
}

public sealed record SystemdSettings(SystemdScope Scope, string UnitTemplate, string LingerDirectory, TimeSpan UnitFileStateMaxAge);

/// <summary>Which tmux server holds the fleet: <c>-L name</c>, <c>-S path</c>, or neither (the default server).</summary>
public sealed record TmuxSettings(string? SocketName, string? SocketPath)
{
    /// <summary>The default server's socket name: tmux's own for a client given neither -L nor -S nor $TMUX.</summary>
    public const string DefaultSocketName = "default";

    /// <summary>
    /// Always names the server. tmux given neither -L nor -S connects to the server in <c>$TMUX</c> (set inside any
    /// tmux pane), so an operator inside tmux would reach their own server. <c>-L default</c> is the default server
    /// by tmux's own rule (<c>$TMUX_TMPDIR</c> if it resolves, else /tmp; then <c>tmux-UID/default</c>), and with
    /// -L or -S tmux reads <c>$TMUX</c> only to assume a UTF-8 client.
    /// </summary>
    public IReadOnlyList<string> ServerArguments() =>
        SocketPath is not null ? ["-S", SocketPath]
        : ["-L", SocketName ?? DefaultSocketName];

    /// <summary>
    /// The environment of every tmux client: without <c>$TMUX_PANE</c>, which names a pane of the operator's own
    /// server and which tmux takes as the current pane of a command without a target.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ClientEnvironment { get; } = new Dictionary<string, string?> { ["TMUX_PANE"] = null };
}

/// <summary>How one runtime shows up among a pane's processes, what its input prompt looks like, and what its screens say of its state.</summary>
public sealed record RuntimeSpec(string Name, IReadOnlyList<string> Commands, IReadOnlyList<Regex> Match, IReadOnlyList<Regex> Prompts, PaneRecognizer? Screens = null)
{
    public PaneRecognizer States => Screens ?? PaneRecognizer.None;

    /// <summary>
    /// What the runtime's input treats as a command rather than a message when a prompt starts with it (Claude
    /// Code's <c>!</c> runs a shell line, <c>/</c> a command): `send` refuses such text unless told it is meant so.
    /// </summary>
    public IReadOnlyList<string> CommandPrefixes { get; init; } = [];

    /// <summary>How `send` pastes a message so that this runtime reads it whole and as typed text.</summary>
    public PasteStyle Paste { get; init; } = PasteStyle.Default;

    /// <summary>The command prefix <paramref name="message"/> starts with (after leading blanks), or null.</summary>
    public string? CommandPrefixOf(string message)
    {
        var start = message.TrimStart();
        return CommandPrefixes.FirstOrDefault(p => start.StartsWith(p, StringComparison.Ordinal));
    }
}

/// <summary>
/// One roster agent. <see cref="HooksInstalled"/> (roster <c>hooks: true</c>): the operator says its hooks are installed,
/// so `send --verify` waits for their acknowledgement from the first message on, before any hook has reported.
/// </summary>
public sealed record AgentSpec(
    string Name,
    string Runtime,
    string Unit,
    string Session,
    string Tenant,
    TimeSpan HeartbeatInterval,
    int Line,
    bool HooksInstalled = false)
{
    /// <summary>What the agent may spend a day, in USD at list prices (its own <c>budget_usd_per_day</c>, else <c>budgets.usd_per_day</c>); null: no budget.</summary>
    public double? BudgetUsdPerDay { get; init; }
}

/// <summary>
/// How a message is pasted: <see cref="Bracketed"/> always as a bracketed paste (<c>paste-buffer -p</c>), else only a
/// multi-line one; <see cref="PieceBytes"/> and <see cref="PieceLineBreaks"/>, when set, cut it into that many UTF-8
/// bytes and line breaks at most, each piece a paste of its own (a runtime that turns a larger paste into a
/// placeholder, whose hook then reports a wrapped prompt).
/// </summary>
public sealed record PasteStyle(bool Bracketed, int? PieceBytes = null, int? PieceLineBreaks = null)
{
    /// <summary>A single line as typed keys, several lines as one bracketed paste.</summary>
    public static readonly PasteStyle Default = new(false);
}
