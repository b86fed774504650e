using System.Diagnostics;
using System.Globalization;

namespace FleetExporter.Benchmarks;

/// <summary>
/// What a hook costs the agent: the wall time of `fleet-exporter hook` (the apphost, as `hooks install` writes it)
/// for one UserPromptSubmit event, and of `fleet-exporter heartbeat`, against floors measured in the same run,
/// interleaved (one of each per round, so a slow moment of the machine costs every command alike): starting a
/// process that does nothing (`true`), `systemctl --user show` of one unit (the goal is within 2x of it) and the
/// same apphost printing its version (start-up alone). Figures, not a pass/fail test. <c>FLEET_EXPORTER_EXE</c>
/// names another binary to measure (the native one from `dotnet publish`, say).
/// </summary>
internal static class HookBenchmark
{
    private sealed record Run(string Name, string Program, string[] Args, string? Stdin)
    {
        /// <summary>Done before each timed start, untimed (the transcript growing by one response).</summary>
        public Action? Before { get; init; }
        public IReadOnlyDictionary<string, string>? Environment { get; init; }
    }

    /// <summary>The transcript the usage runs count: 10 MB, as a long Claude Code session leaves one.</summary>
    private const long TranscriptBytes = 10 * 1024 * 1024;

    public static async Task<int> RunAsync(int runs)
    {
        var exe = ServeProbe.Exe;
        var hookExe = ServeProbe.HookExe;
        var hookName = Path.GetFileName(hookExe);
        var dir = Directory.CreateTempSubdirectory("fleet-hook-bench-").FullName;
        await using var managers = await PrivateManagers.StartAsync();
        try
        {
            var roster = Path.Combine(dir, "roster.yaml");
            await File.WriteAllTextAsync(roster, $"heartbeat: {{ dir: {dir}/hb, interval: 30s }}\nagents:\n  - {{ name: bench, runtime: claude }}\n");
            const string payload = """{"session_id":"s1","hook_event_name":"UserPromptSubmit","prompt":"run the tests","prompt_id":"p1"}""";
            var unit = $"{managers.Prefix}-one.service";
            await File.WriteAllTextAsync(Path.Combine(managers.UnitDirectory, unit), "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n");
            await managers.SystemctlAsync("daemon-reload");
            await managers.SystemctlAsync("start", unit);

            Run floor = new("process floor (true)", "true", [], null);
            Run show = new("systemctl --user show (1 unit)", "systemctl", ["--user", "show", "-p", "Id,ActiveState,SubState,UnitFileState,MainPID", unit], null);
            // Usage on: the event names a 10 MB transcript under the runtime's directory, counted to its end beforehand.
            var claude = Path.Combine(dir, "claude");
            var transcript = Path.Combine(claude, "projects", "bench", "s1.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(transcript)!);
            File.WriteAllBytes(transcript, ClaudeSession.Transcript(TranscriptBytes));
            var usagePayload = $$"""{"session_id":"s1","transcript_path":"{{transcript}}","hook_event_name":"PostToolUse","tool_name":"Bash"}""";
            var env = new Dictionary<string, string> { ["CLAUDE_CONFIG_DIR"] = claude };
            Run idle = new($"{hookName} hook + usage", hookExe, ["hook", "bench", "--runtime", "claude", "--roster", roster], usagePayload) { Environment = env };
            for (var i = 0; i < 3; i++) Time(idle);   // catch up with the 10 MB (8 MiB a hook at most)
            var turn = 5_000_000;   // past the transcript's own turns
            Run[] measured =
            [
                floor,
                show,
                new("fleet-exporter --version", exe, ["--version"], null),
                .. hookExe == exe ? [] : new Run[] { new($"{hookName} --version", hookExe, ["--version"], null) },
                new($"{hookName} heartbeat", hookExe, ["heartbeat", "bench", "--roster", roster], null),
                new($"{hookName} hook", hookExe, ["hook", "bench", "--runtime", "claude", "--roster", roster], payload),
                .. hookExe == exe ? [] : new Run[] { new("fleet-exporter hook", exe, ["hook", "bench", "--runtime", "claude", "--roster", roster], payload) },
                idle with { Name = "hook, usage, nothing new" },
                idle with { Name = "hook, usage, 1 response new", Before = () => File.AppendAllText(transcript, ClaudeSession.Turn(turn++)) },
            ];
            var times = Measure(runs, measured);
            Console.WriteLine($"hook: {runs} rounds (after one warm-up), each command once per round, of {exe} and {hookExe}");
            foreach (var r in measured)
                Print(r.Name, times[r], times[floor], times[show]);
            // By position from the end and the start (names can repeat when both binaries are called fleet-exporter).
            double Of(int i) => Median(times[measured[i < 0 ? measured.Length + i : i]]);
            int hook = measured.Length - 3 - (hookExe == exe ? 0 : 1), version = hookExe == exe ? 2 : 3;
            Console.WriteLine($"  hook beyond start-up: {Of(hook) - Of(version):0.0} ms (median)");
            Console.WriteLine($"  usage beyond the hook ({TranscriptBytes / (1024 * 1024)} MB transcript): {Of(-2) - Of(hook):0.0} ms with nothing new, " +
                              $"{Of(-1) - Of(hook):0.0} ms with one response to count (median)");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<Run, List<double>> Measure(int runs, IReadOnlyList<Run> commands)
    {
        var times = commands.ToDictionary(c => c, _ => new List<double>());
        for (var i = 0; i <= runs; i++)
        {
            foreach (var c in commands)
            {
                var ms = Time(c);
                if (i > 0) times[c].Add(ms);
            }
        }
        return times;
    }

    private static double Time(Run run)
    {
        run.Before?.Invoke();
        var info = new ProcessStartInfo(run.Program, run.Args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in run.Environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        if (run.Stdin is not null) p.StandardInput.Write(run.Stdin);
        p.StandardInput.Close();
        p.WaitForExit();
        var ms = watch.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{run.Program} exited {p.ExitCode}: {p.StandardError.ReadToEnd()}");
        return ms;
    }

    private static void Print(string what, List<double> times, List<double> floor, List<double> show) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-30} median {Median(times),6:0.0} ms, p95 {Percentile(times, 0.95),6:0.0} ms, {Median(times) / Median(floor),5:0.0} x floor, {Median(times) / Median(show),4:0.00} x systemctl show"));

    private static double Median(List<double> xs) => Percentile(xs, 0.5);

    private static double Percentile(List<double> xs, double q)
    {
        var sorted = xs.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
    }
}
