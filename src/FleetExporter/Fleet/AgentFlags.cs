using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tmux;

namespace FleetExporter.Fleet;

/// <summary>The flags, each a pure function of the joined facts. A fact from a failed source is null and raises no flag.</summary>
public static class AgentFlags
{
    public const string Drift = "DRIFT";
    public const string BootEnable = "BOOT-ENABLE";
    public const string Down = "DOWN";
    public const string NoSession = "NO-SESSION";
    public const string PaneDead = "PANE-DEAD";
    public const string HeartbeatStale = "HB-STALE";
    public const string HeartbeatMissing = "HB-MISSING";
    public const string HeartbeatInvalid = "HB-INVALID";

    public static readonly IReadOnlyList<string> All = [Drift, BootEnable, Down, NoSession, PaneDead, HeartbeatStale, HeartbeatMissing, HeartbeatInvalid];

    /// <summary>Unit file states after which a unit does not start at the next boot.</summary>
    public static readonly IReadOnlySet<string> NotStartedAtBoot = new HashSet<string>(StringComparer.Ordinal)
    {
        "disabled", "enabled-runtime", "linked", "linked-runtime", "masked", "masked-runtime", "transient", "bad",
    };

    /// <summary>active and reloading count as up; activating (including auto-restart) and everything else as down.</summary>
    public static bool IsActive(UnitFacts unit) => unit.ActiveState is "active" or "reloading";

    public static bool IsDown(UnitFacts? unit) => unit is not null && !IsActive(unit);

    /// <summary>
    /// Active now, gone after a reboot: the unit file state does not survive one, or (user scope) the user has no
    /// linger, without which the user manager, and so every user unit, starts only at login.
    /// </summary>
    public static bool IsBootEnableMissing(UnitFacts? unit, SystemdScope scope, bool? linger) =>
        unit is not null && IsActive(unit)
        && ((unit.UnitFileState is { } state && NotStartedAtBoot.Contains(state))
            || (scope == SystemdScope.User && linger == false));

    /// <summary>The pane lives but the roster's runtime is nowhere in its process tree: a shell or another program took over.</summary>
    public static bool IsDrift(TmuxPane? pane, PaneProcesses? processes) =>
        pane is { Dead: false } && processes is not null && processes.Runtime is null;

    /// <summary>
    /// Agents beat from their hooks, which fire only on events: an idle, waiting or stopped agent is silent by design,
    /// so its old heartbeat is not HB-STALE. A working one, or one whose state is unknown, must beat.
    /// </summary>
    public static IReadOnlyList<string> ForState(IReadOnlyList<string> flags, AgentState state) =>
        state.Name is AgentStateName.Idle or AgentStateName.Waiting or AgentStateName.Stopped && flags.Contains(HeartbeatStale)
            ? flags.Where(f => f != HeartbeatStale).ToList()
            : flags;

    /// <summary>
    /// The flags the joined facts decide, raised or not: a flag whose facts are unknown (their source failed, or the
    /// runtime could not be told) is neither raised nor cleared. An agent is healthy only when every flag is decided
    /// and none is raised.
    /// </summary>
    public static IReadOnlySet<string> Decided(AgentStatus a)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (a.Unit is not null) known.UnionWith([BootEnable, Down]);
        if (a.SessionPresent is not null)
        {
            known.UnionWith([NoSession, PaneDead]);
            // Drift needs the pane's processes when the pane lives; with no live pane there is nothing to drift.
            if (a.Processes is not null || a.Pane is null or { Dead: true }) known.Add(Drift);
        }
        if (a.Heartbeat.State != HeartbeatState.Unknown) known.UnionWith([HeartbeatStale, HeartbeatMissing, HeartbeatInvalid]);
        return known;
    }

    /// <summary>The flags the joined facts cannot decide, in <see cref="All"/>'s order (empty when everything is known).</summary>
    public static IReadOnlyList<string> Undecided(AgentStatus a)
    {
        var decided = Decided(a);
        return All.Where(f => !decided.Contains(f)).ToList();
    }

    public static IReadOnlyList<string> Classify(
        UnitFacts? unit, SystemdScope scope, bool? linger, bool tmuxKnown, TmuxPane? pane, PaneProcesses? processes, HeartbeatReading heartbeat)
    {
        var flags = new List<string>();
        if (IsDrift(pane, processes)) flags.Add(Drift);
        if (IsBootEnableMissing(unit, scope, linger)) flags.Add(BootEnable);
        if (IsDown(unit)) flags.Add(Down);
        if (tmuxKnown && pane is null) flags.Add(NoSession);
        if (pane is { Dead: true }) flags.Add(PaneDead);
        if (heartbeat.Stale) flags.Add(HeartbeatStale);
        if (heartbeat.State == HeartbeatState.Missing) flags.Add(HeartbeatMissing);
        if (heartbeat.State == HeartbeatState.Invalid) flags.Add(HeartbeatInvalid);
        return flags;
    }
}
