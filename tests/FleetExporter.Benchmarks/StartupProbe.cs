using System.Diagnostics;

namespace FleetExporter.Benchmarks;

/// <summary>Median whole-process wall times of the short-lived commands, beside the references they are held to.</summary>
internal sealed record StartupFigures(double ProcessFloorMs, double SystemctlShowMs, double HeartbeatMs, double HookMs, double PsMs);

/// <summary>
/// Starts each command as an agent's hook or an operator would (the apphost, <see cref="ServeProbe.Exe"/>) and times
/// it to its exit: <c>true</c> (starting any process), <c>systemctl --user show</c> of one unit, <c>heartbeat</c>,
/// <c>hook</c> (one UserPromptSubmit event on stdin) and <c>ps</c> against the size's roster.
/// </summary>
internal static class StartupProbe
{
    private const string Payload = """{"session_id":"s1","hook_event_name":"UserPromptSubmit","prompt":"run the tests","prompt_id":"p1"}""";

    public static StartupFigures Measure(string roster, string agent, string unit, int runs)
    {
        var exe = ServeProbe.Exe;
        return new StartupFigures(
            Time(runs, "true", [], null),
            Time(runs, "systemctl", ["--user", "show", "--no-pager", "-p", "ActiveState,MainPID", "--", unit], null),
            Time(runs, exe, ["heartbeat", agent, "--roster", roster], null),
            // A hook exits 0 whatever happens and says what went wrong on stderr.
            Time(runs, exe, ["hook", agent, "--runtime", "claude", "--roster", roster], Payload, stderrIsFailure: true),
            Time(runs, exe, ["ps", "--roster", roster], null));
    }

    /// <summary>Median of <paramref name="runs"/> after one warm-up run; a run that fails stops the benchmark.</summary>
    private static double Time(int runs, string program, string[] args, string? stdin, bool stderrIsFailure = false)
    {
        var times = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var info = new ProcessStartInfo(program, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            var watch = Stopwatch.StartNew();
            using var p = Process.Start(info)!;
            if (stdin is not null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds);
            if (p.ExitCode != 0 || (stderrIsFailure && stderr.Result.Length > 0))
                throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args.Take(1))} exited {p.ExitCode}: {stderr.Result}{(stdout.Result.Length > 300 ? "" : stdout.Result)}");
        }
        return Stats.Median(times);
    }
}
