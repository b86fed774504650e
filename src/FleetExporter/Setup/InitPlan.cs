using FleetExporter.Agents.Install;
using FleetExporter.Roster;

namespace FleetExporter.Setup;

/// <summary>What <c>fleet-exporter init</c> was asked for.</summary>
public sealed record InitRequest(
    IReadOnlyList<string> Agents,
    string Runtime,
    string Command,
    string WorkingDirectory,
    string TmuxSocket,
    string RosterPath,
    string ConfigHome)
{
    /// <summary><c>--add</c>: the roster that exists, to which the agents are appended (null: a new roster is written).</summary>
    public string? ExistingRoster { get; init; }

    /// <summary>What each agent's unit runs to write the agent's start beat: the hook binary beside this program when it
    /// is there, else this program (null: none is written).</summary>
    public string? Exporter { get; init; }
}

/// <summary>One file init writes: where, why, and its text.</summary>
public sealed record PlannedFile(string Path, string Purpose, string Text);

/// <summary>
/// The files of a new fleet, a pure function of the request: the roster, the two shipped units (named as the roster's
/// defaults expect) and one <c>NAME.env</c> per agent. The roster written is checked by the roster loader itself.
/// </summary>
public static class InitPlan
{
    public static IReadOnlyList<PlannedFile> Files(InitRequest request)
    {
        var layout = UnitLayout.Named(UnitLayout.DefaultTmuxUnit, UnitLayout.DefaultAgentTemplate, ["-L", request.TmuxSocket], UnitLayout.DefaultAgentEnvironmentDirectory);
        var unitDirectory = Path.Combine(request.ConfigHome, "systemd", "user");
        var agentDirectory = Path.Combine(request.ConfigHome, "fleet", "agents");
        var roster = request.ExistingRoster is { } existing
            ? RosterAddition.Add(existing, request.RosterPath, request.Agents, request.Runtime, HookRuntimes.Find(request.Runtime) is not null)
            : RosterText(request);
        RosterLoader.Parse(roster, request.RosterPath);
        return
        [
            new(request.RosterPath, "the roster", roster),
            .. FleetUnits.Render(layout).Select(u => new PlannedFile(Path.Combine(unitDirectory, u.Name),
                u.Name == layout.TmuxUnit ? "the unit that owns the fleet's tmux server" : "the agents' unit template", u.Text)),
            .. request.Agents.Select(a => new PlannedFile(Path.Combine(agentDirectory, a + ".env"),
                $"what {layout.AgentUnit(a)} runs", AgentEnvironmentFile.Render(a, request.Command, request.WorkingDirectory, request.Exporter, request.RosterPath))),
        ];
    }

    /// <summary>The commands that start the fleet once the files are in place.</summary>
    public static IReadOnlyList<string> NextCommands(InitRequest request) =>
    [
        "systemctl --user daemon-reload",
        $"systemctl --user enable --now {string.Join(' ', request.Agents.Select(UnitLayout.Default.AgentUnit))}",
        "sudo loginctl enable-linger \"$USER\"   # so the fleet starts at boot, without a login",
        $"fleet-exporter ps{(request.RosterPath == RosterLoader.DefaultPath() ? "" : " --roster " + request.RosterPath)}",
    ];

    // init installs the hooks of every runtime that has them, so send --verify may wait for the agent's own
    // acknowledgement of a first message (Codex runs its first hook only with its first prompt).
    private static string HooksLine(string runtime) =>
        HookRuntimes.Find(runtime) is null ? "" : "\n    hooks: true";

    private static string RosterText(InitRequest request) => $"""
        # The fleet's roster (written by `fleet-exporter init`; every key is in the README, "The roster").
        # Each agent runs as {UnitLayout.DefaultAgentTemplate.Replace("@.", "@NAME.", StringComparison.Ordinal)} (the default systemd.unit_template) in a session
        # on the tmux server of {UnitLayout.DefaultTmuxUnit}; its hooks write its heartbeat to the default heartbeat.dir.
        tmux:
          socket_name: {request.TmuxSocket}
        agents:
        {string.Join("\n", request.Agents.Select(a => $"  - name: {a}\n    runtime: {request.Runtime}{HooksLine(request.Runtime)}"))}

        """;
}
