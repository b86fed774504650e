using System.Diagnostics;
using System.Globalization;

namespace FleetExporter.Benchmarks;

/// <summary>
/// What a hook costs the agent: the wall time of `fleet-exporter hook` (the apphost, as `hooks install` writes it)
/// for one UserPromptSubmit event, against the floor measured in the same run: starting a process that does nothing
/// (`true`) and the same apphost printing its version (the .NET start-up alone). Figures, not a pass/fail test.
/// <c>FLEET_EXPORTER_EXE</c> names another apphost to measure (a published build, say).
/// </summary>
internal static class HookBenchmark
{
    public static async Task<int> RunAsync(int runs)
    {
        var exe = Environment.GetEnvironmentVariable("FLEET_EXPORTER_EXE") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "fleet-exporter");
        var dir = Directory.CreateTempSubdirectory("fleet-hook-bench-").FullName;
        try
        {
            var roster = Path.Combine(dir, "roster.yaml");
            await File.WriteAllTextAsync(roster, $"heartbeat: {{ dir: {dir}/hb, interval: 30s }}\nagents:\n  - {{ name: bench, runtime: claude }}\n");
            const string payload = """{"session_id":"s1","hook_event_name":"UserPromptSubmit","prompt":"run the tests","prompt_id":"p1"}""";

            var floor = Measure(runs, "true", [], null);
            var startup = Measure(runs, exe, ["--version"], null);
            var hook = Measure(runs, exe, ["hook", "bench", "--runtime", "claude", "--roster", roster], payload);
            Console.WriteLine($"hook: {runs} runs each (after one warm-up) of {exe}");
            Print("process floor (true)", floor, floor);
            Print("fleet-exporter --version", startup, floor);
            Print("fleet-exporter hook", hook, floor);
            Console.WriteLine($"  hook beyond start-up: {Median(hook) - Median(startup):0.0} ms (median)");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<double> Measure(int runs, string program, string[] args, string? stdin)
    {
        var times = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var info = new ProcessStartInfo(program, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            var watch = Stopwatch.StartNew();
            using var p = Process.Start(info)!;
            if (stdin is not null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            p.WaitForExit();
            if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds);
            if (p.ExitCode != 0) throw new InvalidOperationException($"{program} exited {p.ExitCode}: {p.StandardError.ReadToEnd()}");
        }
        return times;
    }

    private static void Print(string what, List<double> times, List<double> floor) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-26} median {Median(times),6:0.0} ms, p95 {Percentile(times, 0.95),6:0.0} ms, {Median(times) / Median(floor),5:0.0} x floor"));

    private static double Median(List<double> xs) => Percentile(xs, 0.5);

    private static double Percentile(List<double> xs, double q)
    {
        var sorted = xs.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
    }
}
