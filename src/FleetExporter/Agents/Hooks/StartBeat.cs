using System.Globalization;
using FleetExporter.Files;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Agents.Hooks;

/// <summary>
/// The beat an agent's unit writes as it starts the agent (<c>heartbeat AGENT --started --pid PANE_PID</c>), so that
/// a fresh agent is not HB-MISSING before its first hook event, a restarted one does not inherit its previous run's
/// state or age (HB-STALE), and a pane whose wrapper has not started the runtime yet reads as starting, not DRIFT.
/// </summary>
public static class StartBeat
{
    /// <summary>The heartbeat's <c>status</c> while no hook of this run has reported.</summary>
    public const string Status = "started";

    /// <summary>How long after the start beat a pane without its runtime is starting rather than DRIFT (npx, a wrapper script).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Writes the start beat for the pane process <paramref name="pid"/>, dropping what earlier runs' hooks reported;
    /// returns null and writes nothing when this run's hooks already beat (a heartbeat newer than the process).
    /// </summary>
    public static string? Write(FleetRoster roster, AgentSpec spec, int pid, DateTimeOffset? processStarted, TimeProvider clock)
    {
        var file = roster.Heartbeat.FileFor(spec.Name);
        Directory.CreateDirectory(roster.Heartbeat.Directory);
        using var held = FileLock.TryTake(HeartbeatFile.LockPath(roster.Heartbeat.Directory, spec.Name), TimeSpan.FromSeconds(5));
        // Never unlocked: it could overwrite a hook's report of this very run. The start beat is optional.
        if (held is null) throw new IOException($"the heartbeat lock of {spec.Name} was not free within 5 s (or is a symbolic link); no start beat written");
        var previous = new HeartbeatSource(clock).Read(file, spec.HeartbeatInterval);
        if (processStarted is { } started && previous is { State: HeartbeatState.Ok, Timestamp: { } ts } && ts >= started && previous.Status != Status)
            return null;
        return HeartbeatWriter.Write(file, clock.GetUtcNow(), spec.HeartbeatInterval, pid, Status, previous.Seq, hook: null);
    }

    /// <summary>
    /// Why a live pane without its runtime is not (yet) DRIFT: its unit wrote the start beat for this very pane
    /// process within <see cref="Grace"/>, and no hook has reported since. Null: no such evidence.
    /// </summary>
    public static string? Starting(HeartbeatReading heartbeat, int? panePid)
    {
        if (heartbeat is not { State: HeartbeatState.Ok, Status: Status, Age: { } age } || heartbeat.Pid != panePid || age > Grace) return null;
        return $"starting: its unit started the pane {age.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s ago and the runtime is not in it yet " +
               $"(DRIFT if it is not there {Grace.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s after the start)";
    }
}
