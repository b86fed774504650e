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
using FleetExporter.Telemetry;
using FleetExporter.Tmux;

namespace FleetExporter.Fleet;

/// <summary>
/// Runs the sources concurrently (systemd over D-Bus or one systemctl, one tmux, one /proc pass and the heartbeat files, whatever the
/// fleet size, and one more tmux call for the screens of agents whose runtime has screen patterns) and joins them
/// into one <see cref="AgentStatus"/> per roster agent.
/// </summary>
public sealed class FleetJoin(ISystemdSource systemd, TmuxSource tmux, ProcessSource processes, HeartbeatSource heartbeats, TimeProvider clock)
{
    private readonly StateMemory states = new();
    private readonly SendJournalSource journal = new();

    /// <summary>Environment switch: <c>systemctl</c> makes the systemd source run <c>systemctl show</c> instead of talking D-Bus.</summary>
    public const string SystemdSourceVariable = "FLEET_EXPORTER_SYSTEMD";

    public static FleetJoin CreateDefault(TimeProvider? clock = null)
    {
        var c = clock ?? TimeProvider.System;
        ISystemdSource systemd = Environment.GetEnvironmentVariable(SystemdSourceVariable) == "systemctl"
            ? new SystemdSource(c)
            : new SystemdBusSource(c);
        return new FleetJoin(systemd, new TmuxSource(), new ProcessSource(), new HeartbeatSource(c), c);
    }

    public async Task<FleetSnapshot> CollectAsync(FleetRoster roster, CancellationToken ct = default)
    {
        using var span = FleetTelemetry.Source.StartActivity("fleet collect");
        span?.SetTag("fleet.agents", roster.Agents.Count);
        var watch = Stopwatch.StartNew();

        // Every source is bounded by the deadline, even one that was told to stop but is still winding down (a
        // killed subprocess being reaped, a file read stuck on a hung network file system): a source that misses
        // it is reported as failed, and the join returns on time.
        var systemdTask = WithinDeadline(SystemdSource.Name, systemd.ObserveAsync(roster, ct), watch, ct);
        var tmuxTask = WithinDeadline(TmuxSource.Name, tmux.ObserveAsync(roster.Tmux, ct), watch, ct);
        var screensTask = WithinDeadline(PaneTextSource.Name, ScreensAsync(roster, tmuxTask, ct), watch, ct);
        var procTask = WithinDeadline(ProcessSource.Name, Task.Run(processes.Observe, CancellationToken.None), watch, ct);
        var hbTask = WithinDeadline(HeartbeatSource.Name, Task.Run(() => heartbeats.Observe(roster), CancellationToken.None), watch, ct);
        var journalTask = WithinDeadline(SendJournalSource.Name, Task.Run(() => journal.Observe(roster.SendJournal, roster.Agents.Select(a => a.Name).ToHashSet(StringComparer.Ordinal)), CancellationToken.None), watch, ct);
        await Task.WhenAll(systemdTask, tmuxTask, screensTask, procTask, hbTask, journalTask);

        var sd = await systemdTask;
        var tm = await tmuxTask;
        var pr = await procTask;
        var hb = await hbTask;
        var screens = await screensTask;
        var sends = await journalTask;
        var now = clock.GetUtcNow();

        var agents = roster.Agents.Select(a => Join(roster, a, sd, tm, pr, hb, screens, now)).ToList();
        states.Keep(roster.Agents.Select(a => a.Name).ToList());
        var health = new[] { Health(sd), Health(tm), Health(screens), Health(pr), Health(hb), Health(sends) };
        return new FleetSnapshot(now, roster, agents, health, watch.Elapsed) { Sends = sends.Value };
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

    /// <summary>The live panes of agents whose runtime has screen patterns, read in one tmux call once list-panes has named them.</summary>
    private async Task<SourceResult<IReadOnlyDictionary<string, string>>> ScreensAsync(FleetRoster roster, Task<SourceResult<TmuxObservation>> listing, CancellationToken ct)
    {
        var tm = await listing;
        if (tm.Value is not { } observed)
            return SourceResult<IReadOnlyDictionary<string, string>>.Failure(PaneTextSource.Name, "no pane list (tmux failed)", TimeSpan.Zero);
        var ids = roster.Agents
            .Where(a => !roster.Runtimes[a.Runtime].States.IsEmpty)
            .Select(a => observed.Sessions.GetValueOrDefault(a.Session))
            .Where(p => p is { Dead: false })
            .Select(p => p!.PaneId)
            .Distinct()
            .ToList();
        return await tmux.Screens.CaptureAsync(roster.Tmux, ids, ct);
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

    private static async Task<SourceResult<T>> WithinDeadline<T>(string source, Task<SourceResult<T>> work, Stopwatch watch, CancellationToken ct)
        where T : class
    {
        try { return await work.WaitAsync(ct); }
        catch (OperationCanceledException)
        {
            return SourceResult<T>.Failure(source, "did not finish before the collection deadline", watch.Elapsed);
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static SourceHealth Health<T>(SourceResult<T> r) where T : class => new(r.Source, r.Ok, r.Error, r.Duration) { Note = r.Note, Method = r.Ok ? r.Method : null };
}
