using System.Diagnostics;
using System.Globalization;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Subprocess;

namespace FleetExporter.Benchmarks;

/// <summary>
/// N real agents (the shipped agent units, their sessions running <c>sleep</c>, fresh heartbeat files) on private
/// managers; K joins; prints wall time per join, subprocesses per join (counted by wrapper scripts around systemctl
/// and tmux) and bytes allocated per join. Figures, not a pass/fail test.
/// </summary>
internal static class JoinBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        await using var managers = await PrivateManagers.StartAsync();
        var work = managers.Temp("fleet-bench-");
        var names = Enumerable.Range(1, options.Agents).Select(i => $"b{i:D4}").ToList();
        var layout = await managers.InstallFleetUnitsAsync(names, "sleep 100000");
        var setup = Stopwatch.StartNew();
        await managers.SystemctlAsync(["start", .. names.Select(layout.AgentUnit)]);
        var hbDir = Path.Combine(work, "hb");
        foreach (var n in names)
            HeartbeatWriter.Write(Path.Combine(hbDir, n + ".hb"), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), Environment.ProcessId, "working", null);
        Console.WriteLine($"setup: {options.Agents} units started, sessions and heartbeats in {setup.Elapsed.TotalSeconds:0.0} s");

        var rosterPath = Path.Combine(work, "roster.yaml");
        await File.WriteAllTextAsync(rosterPath, $$"""
            heartbeat: { dir: {{hbDir}}, interval: 30s }
            systemd: { unit_template: "{{managers.Prefix}}-agent@{name}.service", linger_dir: {{work}} }
            tmux: { socket_name: {{managers.TmuxSocket}} }
            runtimes:
              sleeper: { commands: [sleep] }
            agents:
            {{string.Join("\n", names.Select(n => $"  - {{ name: {n}, runtime: sleeper }}"))}}
            """);
        var roster = RosterLoader.LoadFile(rosterPath);

        // Before this process holds a D-Bus connection to the manager (systemd sends its signals to every private connection).
        var systemctlAlone = await TimeAsync(new SystemdSource(TimeProvider.System), roster, options.Joins);

        var log = Path.Combine(work, "calls.log");
        // The default systemd source (D-Bus); systemctl only if it falls back, which the log would show.
        var join = new FleetJoin(
            new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System, await CountingAsync(work, "systemctl", log))),
            new TmuxSource(await CountingAsync(work, "tmux", log)),
            new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System);

        var first = await join.CollectAsync(roster); // also warms the JIT; UnitFileState is read here
        Check(first, options.Agents);
        File.Delete(log);

        var walls = new List<double>();
        var sources = new Dictionary<string, List<double>>();
        long allocated = 0;
        for (var i = 0; i < options.Joins; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var snapshot = await join.CollectAsync(roster);
            walls.Add(watch.Elapsed.TotalMilliseconds);
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
            Check(snapshot, options.Agents);
            foreach (var s in snapshot.Sources)
                (sources.TryGetValue(s.Source, out var l) ? l : sources[s.Source] = []).Add(s.Duration.TotalMilliseconds);
        }
        var calls = File.ReadAllLines(log);

        Console.WriteLine($"agents: {options.Agents}, joins measured: {options.Joins} (after one warm-up join)");
        Console.WriteLine($"join wall time: median {Median(walls):0.0} ms, min {walls.Min():0.0} ms, max {walls.Max():0.0} ms");
        foreach (var (name, durations) in sources)
            Console.WriteLine($"  source {name,-10} median {Median(durations):0.0} ms");
        Console.WriteLine($"subprocesses per join: {(double)calls.Length / options.Joins:0.##} " +
            $"(systemctl {calls.Count(c => c == "systemctl")}, tmux {calls.Count(c => c == "tmux")} over {options.Joins} joins)");
        Console.WriteLine($"allocated per join: {allocated / options.Joins / 1024.0:0} KiB ({allocated / options.Joins / (double)options.Agents / 1024:0.0} KiB per agent)");
        await SystemdSourcesAsync(roster, options, systemctlAlone);
        return 0;
    }

    /// <summary>
    /// The systemd source alone, D-Bus against systemctl on the same units, interleaved so that both see the manager
    /// in the same condition, with UnitFileState cached (the steady state) and read every time.
    /// </summary>
    private static async Task SystemdSourcesAsync(FleetRoster roster, BenchmarkOptions options, double systemctlAlone)
    {
        var everyTime = roster with { Systemd = roster.Systemd with { UnitFileStateMaxAge = TimeSpan.Zero } };
        Console.WriteLine($"systemd source alone, {options.Agents} units, median of {options.Joins}:");
        Console.WriteLine($"  systemctl show  UnitFileState cached {systemctlAlone:0.0} ms, first, before any D-Bus connection (manager just set up)");
        var sources = new (string Name, ISystemdSource Source)[]
        {
            ("systemctl show", new SystemdSource(TimeProvider.System)),
            ("D-Bus", new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System), _ => SystemdBusAddress.For(roster.Systemd.Scope))),
        };
        foreach (var r in new[] { roster, everyTime })
            foreach (var (_, source) in sources) await ObserveAsync(source, r); // warm-up (JIT, connection, UnitFileState cache)
        var walls = sources.ToDictionary(s => s.Name, _ => (Cached: new List<double>(), Read: new List<double>()));
        for (var i = 0; i < options.Joins; i++)
        {
            foreach (var (name, source) in sources)
            {
                walls[name].Cached.Add(await TimeOnceAsync(source, roster));
                walls[name].Read.Add(await TimeOnceAsync(source, everyTime));
            }
        }
        foreach (var (name, (cached, read)) in walls)
            Console.WriteLine($"  {name,-15} UnitFileState cached {Median(cached):0.0} ms, read every time {Median(read):0.0} ms (interleaved)");
    }

    private static async Task<double> TimeAsync(ISystemdSource source, FleetRoster roster, int times)
    {
        await ObserveAsync(source, roster);
        var walls = new List<double>();
        for (var i = 0; i < times; i++) walls.Add(await TimeOnceAsync(source, roster));
        return Median(walls);
    }

    private static async Task<double> TimeOnceAsync(ISystemdSource source, FleetRoster roster)
    {
        var watch = Stopwatch.StartNew();
        await ObserveAsync(source, roster);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task ObserveAsync(ISystemdSource source, FleetRoster roster)
    {
        var r = await source.ObserveAsync(roster, CancellationToken.None);
        if (!r.Ok || r.Note is not null) throw new InvalidOperationException($"systemd source: {r.Error ?? r.Note}");
    }

    private static void Check(FleetSnapshot snapshot, int agents)
    {
        var failed = snapshot.Sources.Where(s => !s.Ok || s.Note is not null).Select(s => $"{s.Source}: {s.Error ?? s.Note}").ToList();
        if (failed.Count > 0) throw new InvalidOperationException("a source failed: " + string.Join("; ", failed));
        var flagged = snapshot.Agents.Count(a => a.Flags.Except([AgentFlags.BootEnable]).Any());
        if (snapshot.Agents.Count != agents || flagged > 0)
            throw new InvalidOperationException($"expected {agents} running agents, {flagged} have flags: " +
                string.Join(", ", snapshot.Agents.Where(a => a.Flags.Count > 0).Take(3).Select(a => $"{a.Spec.Name} {string.Join(',', a.Flags)}")));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<string> CountingAsync(string dir, string program, string log)
    {
        var real = (await ProcessRunner.RunAsync("sh", ["-c", $"command -v {program}"])).StandardOutput.Trim();
        var path = Path.Combine(dir, "bin", program);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, $"#!/bin/sh\necho {program} >> {log}\nexec {real} \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
