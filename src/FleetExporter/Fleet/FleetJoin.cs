using System.Diagnostics;
using FleetExporter.Agents.Panes;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Journal;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Sources.Usage;
using FleetExporter.Telemetry;
using FleetExporter.Tmux;

namespace FleetExporter.Fleet;

/// <summary>
/// Runs the sources (<see cref="FleetSources"/>: systemd over D-Bus or one systemctl, one tmux, one /proc pass and the
/// heartbeat files, whatever the fleet size, one more tmux call for the screens of agents whose runtime has screen
/// patterns, and the send journal) and joins them into one <see cref="AgentStatus"/> per roster agent, each decided by
/// <see cref="AgentDecision"/>.
/// </summary>
public sealed class FleetJoin(FleetSources sources, TimeProvider clock)
{
    private readonly StateMemory states = new();

    /// <summary>Environment switch: <c>systemctl</c> makes the systemd source run <c>systemctl show</c> instead of talking D-Bus.</summary>
    public const string SystemdSourceVariable = "FLEET_EXPORTER_SYSTEMD";

    public FleetJoin(ISystemdSource systemd, TmuxSource tmux, ProcessSource processes, HeartbeatSource heartbeats, TimeProvider clock)
        : this(FleetSources.Standard(systemd, tmux, processes, heartbeats), clock) { }

    /// <param name="disabled">Collectors turned off (<see cref="FleetSources.Optional"/>): their facts are unknown, never healthy.</param>
    public static FleetJoin CreateDefault(TimeProvider? clock = null, IReadOnlyCollection<string>? disabled = null)
    {
        var c = clock ?? TimeProvider.System;
        ISystemdSource systemd = Environment.GetEnvironmentVariable(SystemdSourceVariable) == "systemctl"
            ? new SystemdSource(c)
            : new SystemdBusSource(c);
        return new FleetJoin(FleetSources.Standard(systemd, new TmuxSource(), new ProcessSource(), new HeartbeatSource(c)).Without(disabled ?? []), c);
    }

    public async Task<FleetSnapshot> CollectAsync(FleetRoster roster, CancellationToken ct = default)
    {
        using var span = FleetTelemetry.Source.StartActivity("fleet collect");
        span?.SetTag("fleet.agents", roster.Agents.Count);
        var watch = Stopwatch.StartNew();

        // Every source is bounded by the deadline (ct): one that misses it is reported as failed, and the join
        // returns on time with the others' facts.
        var facts = await sources.RunAsync(roster, ct);
        var sd = facts.Get<SystemdObservation>();
        var tm = facts.Get<TmuxObservation>();
        var pr = facts.Get<ProcessTable>();
        var hb = facts.Get<IReadOnlyDictionary<string, HeartbeatReading>>();
        var screens = facts.Get<IReadOnlyDictionary<string, string>>();
        var usage = facts.Get<UsageObservation>().Value;
        var now = clock.GetUtcNow();

        var agents = roster.Agents.Select(a => Join(roster, a, sd, tm, pr, hb, screens, now) with { Usage = Windowed(usage?.ByAgent.GetValueOrDefault(a.Name), roster) }).ToList();
        states.Keep(roster.Agents.Select(a => a.Name).ToList());
        return new FleetSnapshot(now, roster, agents, facts.Health, watch.Elapsed) { Sends = facts.Get<SendCounts>().Value };
    }

    private AgentStatus Join(
        FleetRoster roster, AgentSpec agent,
        SourceResult<SystemdObservation> sd, SourceResult<TmuxObservation> tm, SourceResult<ProcessTable> pr,
        SourceResult<IReadOnlyDictionary<string, HeartbeatReading>> hb, SourceResult<IReadOnlyDictionary<string, string>> screens, DateTimeOffset now)
    {
        var unit = sd.Value?.Units.GetValueOrDefault(agent.Unit);
        var linger = sd.Value?.Linger;
        var pane = WithZombieExitStatus(tm.Value?.Sessions.GetValueOrDefault(agent.Session), pr.Value);
        bool? sessionPresent = tm.Ok ? pane is not null : null;
        var runtime = roster.Runtimes[agent.Runtime];
        var inspected = pane is { Dead: false, PanePid: { } pid } && pr.Value is { } table
            ? RuntimeMatcher.Inspect(runtime, table, pid)
            : null;
        var heartbeat = hb.Value?[agent.Name]
            ?? new HeartbeatReading(HeartbeatState.Unknown, roster.Heartbeat.FileFor(agent.Name), hb.Error, null, null, agent.HeartbeatInterval, null, null, null);
        var screen = pane is { Dead: false } live && screens.Value?.GetValueOrDefault(live.PaneId) is { } text ? runtime.States.Recognize(text) : null;
        var decided = AgentDecision.Decide(new AgentFacts(sessionPresent, pane, inspected, heartbeat, screen), states.Previous(agent.Name), now);
        states.Remember(agent.Name, decided.State);
        // The agent's own last event (its heartbeat: every hook writes one), or input to its session, whichever is
        // later: tmux's activity moves only on client input, not when the agent answers a prompt it was sent.
        DateTimeOffset? lastSeen = pane is null ? null : Latest(heartbeat.Timestamp, pane.LastActivity);
        TimeSpan? idle = lastSeen is { } at ? Max(now - at, TimeSpan.Zero) : null;
        var flags = AgentFlags.Classify(unit, roster.Systemd.Scope, linger, tm.Ok, pane, decided.Processes, heartbeat);
        return new AgentStatus(agent, roster.Host, unit, linger, sessionPresent, pane, decided.Processes, heartbeat, idle, AgentFlags.ForState(flags, decided.State))
        {
            RuntimeUnknown = decided.RuntimeUnknown,
            State = decided.State,
            Screen = screen,
        };
    }

    /// <summary>
    /// tmux 3.3a now and then misses the exit of a pane process that ends at once: the pane shows dead, the process
    /// stays an unreaped zombie and tmux never learns its status. The kernel still holds it in /proc, so the join
    /// takes it from there, but only from a zombie child of that tmux server (a pid tmux did reap may have been
    /// reused) whose exit code this process may read (the kernel shows 0 to others).
    /// </summary>
    internal static TmuxPane? WithZombieExitStatus(TmuxPane? pane, ProcessTable? table) =>
        pane is { Dead: true, DeadStatus: null, PanePid: { } pid, ServerPid: { } server }
        && table?.Get(pid) is { ZombieExitStatus: { } status } zombie
        && zombie.ParentPid == server
        && table.MayReadExitCode(pid)
            ? pane with { DeadStatus = status }
            : pane;

    /// <summary>The agent's usage, with the roster's context window for its model where its runtime reports none.</summary>
    private static UsageReading? Windowed(UsageReading? usage, FleetRoster roster) =>
        usage?.Totals is { } t ? usage with { Totals = roster.Prices.WithKnownWindow(t) } : usage;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

}
