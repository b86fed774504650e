using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Telemetry;

namespace FleetExporter.Fleet;

/// <summary>
/// Runs the sources concurrently (one systemctl, one tmux, one /proc pass and the heartbeat files, whatever the
/// fleet size) and joins them into one <see cref="AgentStatus"/> per roster agent.
/// </summary>
public sealed class FleetJoin(SystemdSource systemd, TmuxSource tmux, ProcessSource processes, HeartbeatSource heartbeats, TimeProvider clock)
{
    public static FleetJoin CreateDefault(TimeProvider? clock = null)
    {
        var c = clock ?? TimeProvider.System;
        return new FleetJoin(new SystemdSource(c), new TmuxSource(), new ProcessSource(), new HeartbeatSource(c), c);
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
        var procTask = WithinDeadline(ProcessSource.Name, Task.Run(processes.Observe, CancellationToken.None), watch, ct);
        var hbTask = WithinDeadline(HeartbeatSource.Name, Task.Run(() => heartbeats.Observe(roster), CancellationToken.None), watch, ct);
        await Task.WhenAll(systemdTask, tmuxTask, procTask, hbTask);

        var sd = await systemdTask;
        var tm = await tmuxTask;
        var pr = await procTask;
        var hb = await hbTask;
        var now = clock.GetUtcNow();

        var agents = roster.Agents.Select(a => Join(roster, a, sd, tm, pr, hb, now)).ToList();
        var health = new[] { Health(sd), Health(tm), Health(pr), Health(hb) };
        return new FleetSnapshot(now, roster, agents, health, watch.Elapsed);
    }

    private static AgentStatus Join(
        FleetRoster roster, AgentSpec agent,
        SourceResult<SystemdObservation> sd, SourceResult<TmuxObservation> tm, SourceResult<ProcessTable> pr,
        SourceResult<IReadOnlyDictionary<string, HeartbeatReading>> hb, DateTimeOffset now)
    {
        var unit = sd.Value?.Units.GetValueOrDefault(agent.Unit);
        var linger = sd.Value?.Linger;
        var pane = WithZombieExitStatus(tm.Value?.Sessions.GetValueOrDefault(agent.Session), pr.Value);
        bool? sessionPresent = tm.Ok ? pane is not null : null;
        PaneProcesses? paneProcesses = pane is { Dead: false, PanePid: { } pid } && pr.Value is { } table
            ? RuntimeMatcher.Inspect(roster.Runtimes[agent.Runtime], table, pid)
            : null;
        var heartbeat = hb.Value?[agent.Name]
            ?? new HeartbeatReading(HeartbeatState.Unknown, roster.Heartbeat.FileFor(agent.Name), hb.Error, null, null, agent.HeartbeatInterval, null, null, null);
        TimeSpan? idle = pane?.LastActivity is { } at ? Max(now - at, TimeSpan.Zero) : null;
        var flags = AgentFlags.Classify(unit, roster.Systemd.Scope, linger, tm.Ok, pane, paneProcesses, heartbeat);
        return new AgentStatus(agent, roster.Host, unit, linger, sessionPresent, pane, paneProcesses, heartbeat, idle, flags);
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

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static SourceHealth Health<T>(SourceResult<T> r) where T : class => new(r.Source, r.Ok, r.Error, r.Duration);
}
