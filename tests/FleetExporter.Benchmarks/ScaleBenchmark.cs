using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FleetExporter.Roster;

namespace FleetExporter.Benchmarks;

/// <summary>
/// The fleet at each size of <c>--agents</c>, measured side by side in one run on the same private managers: the
/// floor, the in-process join, HTTP scrapes of a real <c>serve</c>, the naive per-agent join, the serve process's
/// RSS, allocations and subprocesses per collection, and the start-up of the short-lived commands, the hook with
/// usage on beside it. Every agent has a Claude Code transcript (<c>--transcript-mb</c>) and the usage file its hooks
/// would have left, so the scrapes export every agent's usage. Prints one table of figures (no pass/fail).
/// </summary>
internal static class ScaleBenchmark
{
    private sealed record Size(int Agents, double SetupS, double TranscriptsS, double FloorMs, double ShellFloorMs, CollectionFigures Collection, ServeFigures Serve, ServeFigures? ServeWithoutUsage, (double Ms, bool Extrapolated) Naive, StartupFigures Startup, StartupFigures? JitStartup);

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        await using var managers = await PrivateManagers.StartAsync();
        // Ctrl-C or a kill: the private user manager, its units, the tmux server and the transcripts go too.
        BenchFleet? fleet = null;
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            Console.Error.WriteLine($"{signal.Signal}: removing the private fleet");
            fleet?.StopBeating();
            managers.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Environment.Exit(130);
        }
        fleet = await BenchFleet.CreateAsync(managers, options.Agents[^1], options.TranscriptMb * 1024L * 1024);
        var collection = await InProcessCollection.CreateAsync(fleet.Work);
        Console.WriteLine($"exe {ServeProbe.Exe}; {Environment.ProcessorCount} cores; " +
            string.Join(' ', Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)).Order()
                .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")));
        var sizes = new List<Size>();
        foreach (var agents in options.Agents)
        {
            var setup = Stopwatch.StartNew();
            var (rosterPath, withoutUsage) = await fleet.GrowAsync(agents);
            var setupS = setup.Elapsed.TotalSeconds;
            var roster = RosterLoader.LoadFile(rosterPath);
            Progress(agents, $"fleet ready in {setupS:0.0} s");
            setup.Restart();
            fleet.WriteTranscripts(agents);
            var transcriptsS = setup.Elapsed.TotalSeconds;
            Progress(agents, $"transcripts of {fleet.TranscriptBytes / 1048576.0:0.0} MiB written and counted in {transcriptsS:0.0} s");

            var floor = await SubprocessBaselines.FloorAsync($"{managers.Prefix}-agent@*", managers.TmuxSocket, options.Joins);
            Progress(agents, $"floor {floor:0.0} ms through .NET's process launcher");
            var figures = await collection.MeasureAsync(roster, options.Joins);
            Progress(agents, $"join {figures.JoinMedianMs:0.0} ms");
            // With transcripts, a second serve on the same fleet without the usage files, its scrapes taking turns with the first's.
            ServeFigures serve;
            ServeFigures? bare = null;
            double shellFloor;
            await using (var probe = await ServeProbe.StartAsync(rosterPath))
            await using (var other = fleet.TranscriptBytes > 0 ? await ServeProbe.StartAsync(withoutUsage) : null)
            {
                var (measured, floorBeside) = await ServeProbe.MeasureAsync(other is null ? [probe] : [probe, other], options.Scrapes,
                    () => SubprocessBaselines.ShellFloorOnceAsync($"{managers.Prefix}-agent@*", managers.TmuxSocket));
                (serve, bare, shellFloor) = (measured[0], measured.ElementAtOrDefault(1), floorBeside);
                Progress(agents, $"scrape p50 {serve.ScrapeP50Ms:0.0} ms, rss {serve.RssKiB / 1024.0:0} MiB" + (bare is null ? "" : $"; without usage {bare.ScrapeP50Ms:0.0} ms, {bare.RssKiB / 1024.0:0} MiB")
                    + $"; shell floor {shellFloor:0.0} ms between them");
                if (options.Soak > 0 && agents == options.Agents[^1])
                    foreach (var concurrency in options.SoakConcurrency) await probe.SoakAsync(options.Soak, concurrency);
            }
            // FLEET_BENCH_SOAK_ENVS="A=1 B=2;C=3": the soak again on a fresh serve per set of settings, one after the other.
            if (options.Soak > 0 && agents == options.Agents[^1])
                foreach (var settings in (Environment.GetEnvironmentVariable("FLEET_BENCH_SOAK_ENVS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    Console.WriteLine($"serve with {settings}:");
                    await using var tried = await ServeProbe.StartAsync(rosterPath, settings.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    foreach (var concurrency in options.SoakConcurrency) await tried.SoakAsync(options.Soak, concurrency);
                }
            var naive = options.Naive ? await SubprocessBaselines.NaiveJoinAsync(agents, fleet.Unit, BenchFleet.Name, managers.TmuxSocket) : (Ms: double.NaN, Extrapolated: false);
            Progress(agents, $"naive join {naive.Ms:0} ms");
            var startup = StartupProbe.Measure(rosterPath, fleet, agents, options.Starts, ServeProbe.Exe, ServeProbe.HookExe);
            // A published build measured: the build output's (JIT) start-ups beside it.
            var jit = ServeProbe.Exe == ServeProbe.BuildOutput ? null : StartupProbe.Measure(rosterPath, fleet, agents, options.Starts, ServeProbe.BuildOutput, ServeProbe.BuildOutput);
            sizes.Add(new Size(agents, setupS, transcriptsS, floor, shellFloor, figures, serve, bare, naive, startup, jit));
        }
        fleet.StopBeating();
        Print(sizes, options, fleet.TranscriptBytes);
        return 0;
    }

    private static void Progress(int agents, string what) => Console.Error.WriteLine($"[{agents} agents] {what}");

    private static void Print(List<Size> sizes, BenchmarkOptions options, long transcriptBytes)
    {
        var transcript = Bytes(transcriptBytes);
        var rows = new List<(string Label, Func<Size, string> Value)>
        {
            ("floor: list-units + list-panes + ps, from a shell (between the scrapes)", s => Ms(s.ShellFloorMs)),
            ("  the same through .NET's process launcher", s => Ms(s.FloorMs)),
            ("join in-process, median (p95)", s => $"{Ms(s.Collection.JoinMedianMs)} ({Ms(s.Collection.JoinP95Ms)})"),
            ("  systemd / tmux / processes / heartbeat / usage", s => string.Join(" / ", new[] { "systemd", "tmux", "processes", "heartbeat", "usage" }.Select(n => s.Collection.SourceMedianMs.GetValueOrDefault(n).ToString("0", CultureInfo.InvariantCulture)))),
            ("scrape of serve over HTTP, p50 / p95", s => $"{Ms(s.Serve.ScrapeP50Ms)} / {Ms(s.Serve.ScrapeP95Ms)}"),
            ("  the same fleet without usage files", s => s.ServeWithoutUsage is { } b ? $"{Ms(b.ScrapeP50Ms)} / {Ms(b.ScrapeP95Ms)}" : "-"),
            ("naive join (systemctl show + tmux per agent)", s => (s.Naive.Extrapolated ? "~" : "") + Ms(s.Naive.Ms)),
            ("scrape p50 / shell floor", s => Ratio(s.Serve.ScrapeP50Ms / s.ShellFloorMs)),
            ("  without usage files", s => s.ServeWithoutUsage is { } b ? Ratio(b.ScrapeP50Ms / s.ShellFloorMs) : "-"),
            ("  scrape p50 / .NET-launched floor", s => Ratio(s.Serve.ScrapeP50Ms / s.FloorMs)),
            ("join / shell floor", s => Ratio(s.Collection.JoinMedianMs / s.ShellFloorMs)),
            ("naive join / scrape p50", s => Ratio(s.Naive.Ms / s.Serve.ScrapeP50Ms)),
            ($"serve RSS after {options.Scrapes + 2} scrapes", s => $"{s.Serve.RssKiB / 1024.0:0} MiB"),
            ("  without usage files", s => s.ServeWithoutUsage is { } b ? $"{b.RssKiB / 1024.0:0} MiB" : "-"),
            ("allocated per collection: join", s => Bytes(s.Collection.JoinBytes)),
            ("  + publishing the series", s => Bytes(s.Collection.PublishBytes)),
            ("  + rendering the text page", s => Bytes(s.Collection.RenderBytes)),
            ("live heap held by the published series", s => Bytes(s.Collection.PublishedLiveBytes)),
            ("subprocesses per collection", s => s.Collection.SubprocessesPerCollection.ToString("0.##", CultureInfo.InvariantCulture)),
            ("bytes per scrape, plain / gzip", s => $"{Bytes(s.Serve.BytesPlain)} / {Bytes(s.Serve.BytesGzip)}"),
            ("  without usage files", s => s.ServeWithoutUsage is { } b ? $"{Bytes(b.BytesPlain)} / {Bytes(b.BytesGzip)}" : "-"),
            ($"agents with token series (of {transcript} transcripts)", s => s.Serve.AgentsWithTokens.ToString(CultureInfo.InvariantCulture)),
            ("start-up: true (any process)", s => Ms(s.Startup.ProcessFloorMs)),
            ("start-up: systemctl --user show, one unit", s => Ms(s.Startup.SystemctlShowMs)),
            ($"start-up: heartbeat, {Path.GetFileName(ServeProbe.HookExe)} (x systemctl show)", s => $"{Ms(s.Startup.HeartbeatMs)} ({Ratio(s.Startup.HeartbeatMs / s.Startup.SystemctlShowMs)})"),
            ($"start-up: hook, {Path.GetFileName(ServeProbe.HookExe)} (x systemctl show)", s => $"{Ms(s.Startup.HookMs)} ({Ratio(s.Startup.HookMs / s.Startup.SystemctlShowMs)})"),
            ("  the hook run by fleet-exporter itself (x systemctl show)", s => s.Startup.ExporterHookMs is { } e ? $"{Ms(e)} ({Ratio(e / s.Startup.SystemctlShowMs)})" : "-"),
            ("  hook, usage, 1 response new (x hook)", s => Against(s.Startup.HookUsageNewMs, s.Startup.HookMs)),
            ($"  hook, usage, {transcript} never read (x hook)", s => Against(s.Startup.HookUsageCatchUpMs, s.Startup.HookMs)),
            ("start-up: ps (x shell floor + 30 ms)", s => $"{Ms(s.Startup.PsMs)} ({Ratio(s.Startup.PsMs / (s.ShellFloorMs + 30))})"),
            ("JIT build: heartbeat / hook / ps", s => s.JitStartup is { } j ? $"{Ms(j.HeartbeatMs)} / {Ms(j.HookMs)} / {Ms(j.PsMs)}" : "-"),
            ("fleet set-up (not measured above)", s => $"{s.SetupS:0} s"),
            ("  transcripts written and counted", s => $"{s.TranscriptsS:0} s"),
        };
        var width = rows.Max(r => r.Label.Length);
        var columns = sizes.Select(s => Math.Max(12, rows.Max(r => r.Value(s).Length))).ToList();
        Console.WriteLine();
        Console.WriteLine($"medians of {options.Joins} joins, {options.Scrapes} scrapes, {options.Starts} starts each; the naive join runs once (~: scaled up from {SubprocessBaselines.NaiveSample} agents)");
        Console.WriteLine("agents".PadRight(width) + string.Concat(sizes.Select((s, i) => " | " + s.Agents.ToString(CultureInfo.InvariantCulture).PadLeft(columns[i]))));
        Console.WriteLine(new string('-', width) + string.Concat(columns.Select(c => "-|-" + new string('-', c))));
        foreach (var (label, value) in rows)
            Console.WriteLine(label.PadRight(width) + string.Concat(sizes.Select((s, i) => " | " + value(s).PadLeft(columns[i]))));
    }

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";
    private static string Against(double? ms, double reference) => ms is { } m ? $"{Ms(m)} ({Ratio(m / reference)})" : "-";
    private static string Ratio(double x) => x.ToString("0.0", CultureInfo.InvariantCulture) + "x";

    private static string Bytes(long b) => b switch
    {
        >= 1 << 20 => (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (b / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KiB",
        _ => b.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
