using System.Diagnostics;
using FleetExporter.Usage;

namespace FleetExporter.Benchmarks;

/// <summary>
/// Median whole-process wall times of the short-lived commands, beside the references they are held to. The hook
/// with usage on (null without transcripts): <see cref="HookUsageNewMs"/> meets a transcript one response longer
/// than its last hook left it (the steady state), <see cref="HookUsageCatchUpMs"/> a whole transcript it never read.
/// </summary>
/// <see cref="ExporterHookMs"/>: the hook run by fleet-exporter itself, when another binary (fleet-exporter-hook) ran the others.
internal sealed record StartupFigures(double ProcessFloorMs, double SystemctlShowMs, double HeartbeatMs, double HookMs, double PsMs,
    double? HookUsageNewMs, double? HookUsageCatchUpMs, double? ExporterHookMs);

/// <summary>
/// Starts each command as an agent's hook or an operator would (the apphost, <see cref="ServeProbe.Exe"/>; the hooks and
/// heartbeats with the binary the hooks run, <see cref="ServeProbe.HookExe"/>) and times
/// it to its exit: <c>true</c> (starting any process), <c>systemctl --user show</c> of one unit, <c>heartbeat</c>,
/// <c>hook</c> (one UserPromptSubmit event on stdin; without usage, the event names no transcript) and <c>ps</c>
/// against the size's roster. With transcripts, the same event naming the first agent's transcript, which grew by
/// one response before each start (untimed), and naming the last agent's, whose usage file was removed before each
/// start: that hook reads as much of it as one hook may (<see cref="TranscriptCounter.MaxBytesPerHook"/>). The
/// commands run in rounds, each once a round, so a slow moment of the machine costs them alike.
/// </summary>
internal static class StartupProbe
{
    private const string Payload = """{"session_id":"5b1c1e2a-0000-4000-8000-000000000001","hook_event_name":"UserPromptSubmit","prompt":"run the tests","prompt_id":"p1"}""";

    private sealed record Start(string Program, string[] Args, string? Stdin = null, bool StderrIsFailure = false, Action? Before = null);

    /// <summary>Ids of the responses the steady-state runs add, past any turn of the shared transcript.</summary>
    private static int _nextTurn = 5_000_000;

    public static StartupFigures Measure(string roster, BenchFleet fleet, int agents, int runs, string exe, string hookExe)
    {
        string[] Hook(int i) => ["hook", BenchFleet.Name(i), "--runtime", "claude", "--roster", roster];
        string Naming(int i) => Payload.TrimEnd('}') + $$""","transcript_path":"{{fleet.Transcript(i)}}"}""";
        var usage = fleet.TranscriptBytes > 0;
        // A hook exits 0 whatever happens and says what went wrong on stderr.
        Start floor = new("true", []), show = new("systemctl", ["--user", "show", "--no-pager", "-p", "ActiveState,MainPID", "--", fleet.Unit(1)]),
            heartbeat = new(hookExe, ["heartbeat", BenchFleet.Name(1), "--roster", roster]), hook = new(hookExe, Hook(1), Payload, StderrIsFailure: true),
            exporterHook = new(exe, Hook(1), Payload, StderrIsFailure: true),
            ps = new(exe, ["ps", "--roster", roster]),
            grown = new(hookExe, Hook(1), Naming(1), StderrIsFailure: true, Before: () => File.AppendAllText(fleet.Transcript(1), ClaudeSession.Turn(_nextTurn++))),
            unread = new(hookExe, Hook(agents), Naming(agents), StderrIsFailure: true, Before: () => File.Delete(UsageFile.PathFor(fleet.HeartbeatDirectory, BenchFleet.Name(agents))));
        List<Start> starts = [floor, show, heartbeat, hook, .. hookExe == exe ? [] : new[] { exporterHook }, ps, .. usage ? new[] { grown } : [],
            .. usage && agents > 1 ? new[] { unread } : []];
        var ms = Interleaved(runs, starts);
        if (usage)
        {
            if (Offset(fleet, 1) != new FileInfo(fleet.Transcript(1)).Length)
                throw new InvalidOperationException("the hook with usage on did not count the response its transcript gained");
            if (agents > 1 && Offset(fleet, agents) is <= 0 or > TranscriptCounter.MaxBytesPerHook)
                throw new InvalidOperationException($"the hook meeting an unread transcript read {Offset(fleet, agents)} bytes of it");
            fleet.CatchUp(agents);   // as the agent's next hooks would: the next sizes count all of it again
        }
        return new StartupFigures(ms[floor], ms[show], ms[heartbeat], ms[hook], ms[ps], Of(grown), Of(unread), Of(exporterHook));
        double? Of(Start s) => ms.TryGetValue(s, out var m) ? m : null;
    }

    private static long Offset(BenchFleet fleet, int i) =>
        UsageFile.Read(UsageFile.PathFor(fleet.HeartbeatDirectory, BenchFleet.Name(i)))?.Transcripts.FirstOrDefault()?.Offset ?? 0;

    /// <summary>Medians of <paramref name="runs"/> rounds after one warm-up round, each start once a round after its <see cref="Start.Before"/> (untimed); a run that fails stops the benchmark.</summary>
    private static Dictionary<Start, double> Interleaved(int runs, IReadOnlyList<Start> starts)
    {
        var times = starts.ToDictionary(s => s, _ => new List<double>());
        for (var i = 0; i <= runs; i++)
        {
            foreach (var s in starts)
            {
                var ms = Time(s);
                if (i > 0) times[s].Add(ms);
            }
        }
        return times.ToDictionary(t => t.Key, t => Stats.Median(t.Value));
    }

    private static double Time(Start start)
    {
        start.Before?.Invoke();
        var info = new ProcessStartInfo(start.Program, start.Args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        if (start.Stdin is not null) p.StandardInput.Write(start.Stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var ms = watch.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0 || (start.StderrIsFailure && stderr.Result.Length > 0))
            throw new InvalidOperationException($"{Path.GetFileName(start.Program)} {string.Join(' ', start.Args.Take(1))} exited {p.ExitCode}: {stderr.Result}{(stdout.Result.Length > 300 ? "" : stdout.Result)}");
        return ms;
    }
}
