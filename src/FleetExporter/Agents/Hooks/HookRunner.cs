using FleetExporter.Agents.State;
using FleetExporter.Files;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Usage;

namespace FleetExporter.Agents.Hooks;

/// <summary>
/// What <c>fleet-exporter hook</c> does. A hook sits on the agent's critical path, so this never writes to stdout
/// (Claude Code adds a UserPromptSubmit hook's stdout to the prompt), never fails the hook (every problem is a line
/// on stderr and in the hook log, and the exit code stays 0) and never waits long on anything: stdin has a
/// deadline and a size cap, and the lock that orders concurrent hooks of one agent is waited for a bounded time
/// (an update that cannot get it is dropped and logged, never written over a concurrent one).
/// </summary>
public sealed class HookRunner(TextWriter error, TimeProvider clock)
{
    public const string AgentVariable = "FLEET_AGENT";
    /// <summary>Overrides <see cref="DefaultLockPatience"/> (a duration: <c>500ms</c>, <c>10s</c>), for hosts so loaded
    /// that 20 hooks cannot each take the lock within it and beats get lost.</summary>
    public const string LockPatienceVariable = "FLEET_HOOK_LOCK_PATIENCE";
    public static readonly TimeSpan StdinDeadline = TimeSpan.FromSeconds(2);
    /// <summary>The lock is held for a few milliseconds, but a hook starting among many (parallel tool calls on a busy
    /// host) can be descheduled while it holds it: on 2 cores 300 ms lost a quarter of 20 concurrent updates, and 2 s
    /// lost 37 of 50. The wait costs the agent time only when its hooks crowd each other.</summary>
    public static readonly TimeSpan DefaultLockPatience = TimeSpan.FromSeconds(10);

    /// <summary>Runs one hook event; returns the heartbeat it wrote, or null when it wrote none (the reason is logged).</summary>
    public string? Run(string? agentArgument, string? runtimeArgument, string rosterPath, Func<byte[]?> readPayload)
    {
        var name = agentArgument is { Length: > 0 } a ? a : Environment.GetEnvironmentVariable(AgentVariable);
        try
        {
            var payload = readPayload();
            if (string.IsNullOrEmpty(name))
                return Problem(null, $"no agent: pass AGENT or set ${AgentVariable} (the hooks installed without --agent read it)");
            if (agentArgument is not { Length: > 0 } && SharedDaemon.RanThisHook())
                return Problem(name, $"a shared daemon ran this hook (Codex's app-server), whose ${AgentVariable} is that of the agent that started it, " +
                                     "not necessarily this event's: nothing written; start Codex with --no-daemon (init does), so its hooks run in its own pane");
            if (!File.Exists(rosterPath)) return Problem(name, $"no roster at {rosterPath}");
            // One agent's entry, not the whole roster: a hook runs on every tool call of every agent.
            var spec = AgentCache.Find(rosterPath, name);
            if (spec is null) return Problem(name, $"unknown agent \"{name}\" (not in {rosterPath})");
            var runtime = runtimeArgument ?? spec.Runtime;
            if (!EventMaps.ByRuntime.TryGetValue(runtime, out var map))
                return Problem(name, $"no hook event map for runtime \"{runtime}\" (known: {string.Join(", ", EventMaps.ByRuntime.Keys)})");
            if (payload is null) return Problem(name, $"no event on stdin within {StdinDeadline.TotalSeconds:0} s");
            var hookEvent = HookEvent.Parse(payload, map);
            return Beat(spec, runtime, map, hookEvent);
        }
        catch (Exception e) when (e is HookPayloadException or RosterException)
        {
            return Problem(name, e.Message);
        }
        catch (Exception e)
        {
            // Whatever happens, the agent's hook must not fail because of us.
            return Problem(name, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private string? Beat(CachedAgent spec, string runtime, RuntimeEventMap map, HookEvent hookEvent)
    {
        var file = spec.Heartbeat.FileFor(spec.Name);
        Directory.CreateDirectory(spec.HeartbeatDirectory);
        // Two hooks of one agent can run at once (parallel tool calls); the lock keeps each read-modify-write whole.
        var patience = LockPatience(spec.Name);
        var lockPath = HeartbeatFile.LockPath(spec.HeartbeatDirectory, spec.Name);
        using var held = FileLock.TryTake(lockPath, patience);
        // Every update is applied or logged. One written without the lock could overwrite any number of concurrent
        // ones, none of them logged: so without the lock, this update is dropped, and says so.
        if (held is null && new FileInfo(lockPath).LinkTarget is not null)
            return Problem(spec.Name, $"{hookEvent.Name}: the heartbeat lock {lockPath} is a symbolic link, never opened; this update is dropped (remove the link)");
        if (held is null)
            return Problem(spec.Name, $"{hookEvent.Name}: the heartbeat lock was not free within {patience.TotalSeconds:0.###} s; " +
                                      $"this update is dropped (set ${LockPatienceVariable} to wait longer)");
        var previous = new HeartbeatSource(clock).Read(file, spec.HeartbeatInterval);
        var now = clock.GetUtcNow();
        var seq = (previous.Seq ?? 0) + 1;
        var report = HookTransition.Apply(previous.Hook, hookEvent, map, now, seq);
        var written = HeartbeatWriter.Write(file, now, spec.HeartbeatInterval, RuntimePid(), AgentState.Label(report.State), previous.Seq, report);
        // Still under the lock: the usage file is read, added to and written back by one hook at a time.
        if (UsageHook.Count(spec.HeartbeatDirectory, spec.Name, runtime, hookEvent.Name, hookEvent.TranscriptPath, now) is { } usageProblem)
            Problem(spec.Name, $"{hookEvent.Name}: usage: {usageProblem}");
        return written;
    }

    /// <summary>The patience from <see cref="LockPatienceVariable"/>; a value that is no duration is logged and the default used.</summary>
    private TimeSpan LockPatience(string agent)
    {
        var text = Environment.GetEnvironmentVariable(LockPatienceVariable);
        if (string.IsNullOrEmpty(text)) return DefaultLockPatience;
        if (Durations.TryParse(text, out var patience)) return patience;
        Problem(agent, $"${LockPatienceVariable}=\"{text}\" is not a duration (like 500ms or 10s); waiting the default {DefaultLockPatience.TotalSeconds:0} s for the lock");
        return DefaultLockPatience;
    }

    private string? Problem(string? agent, string why)
    {
        error.WriteLine($"fleet-exporter hook: {Text.Printable.Escape(why)}");
        HookLog.Append(clock.GetUtcNow(), agent, why);
        return null;
    }

    /// <summary>The runtime that ran the hook: the nearest ancestor that is not a shell (hooks usually run under <c>sh -c</c>).</summary>
    private static int? RuntimePid()
    {
        try
        {
            var stat = ProcStatParser.Parse(File.ReadAllText("/proc/self/stat"));
            for (var depth = 0; stat is not null && depth < 4; depth++)
            {
                var parent = ProcStatParser.Parse(File.ReadAllText($"/proc/{stat.ParentPid}/stat"));
                if (parent is null || parent.Comm is not ("sh" or "bash" or "dash" or "zsh")) return stat.ParentPid;
                stat = parent;
            }
            return stat?.Pid;
        }
        catch (IOException) { return null; }
    }
}

/// <summary>
/// Reads a hook's stdin whole, but never waits past a deadline nor reads past a cap: a runtime that keeps its
/// end open, or sends more than any event can be, must not hold the agent up. Null: nothing usable arrived in time.
/// </summary>
public static class HookStdin
{
    public static byte[]? Read(Stream stdin, bool isTerminal, TimeSpan deadline)
    {
        if (isTerminal) return null;
        var reading = Task.Run(() =>
        {
            var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = stdin.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > HookEvent.MaxBytes) throw new HookPayloadException($"the event is larger than {HookEvent.MaxBytes} bytes");
            }
            return buffer.ToArray();
        });
        try { return reading.Wait(deadline) ? reading.Result : null; }
        catch (AggregateException e) when (e.InnerException is HookPayloadException inner) { throw inner; }
    }
}
