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
/// N real agents (template units starting tmux sessions running <c>sleep</c>, fresh heartbeat files) on private
/// managers; K joins; prints wall time per join, subprocesses per join (counted by wrapper scripts around systemctl
/// and tmux) and bytes allocated per join. Figures, not a pass/fail test.
/// </summary>
internal static class JoinBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        await using var managers = await PrivateManagers.StartAsync();
        var work = managers.Temp("fleet-bench-");
        var template = $"{managers.Prefix}-agent@.service";
        await File.WriteAllTextAsync(Path.Combine(managers.UnitDirectory, template), $"""
            [Service]
            Type=oneshot
            RemainAfterExit=yes
            ExecStart=/usr/bin/tmux -L {managers.TmuxSocket} -f /dev/null new-session -d -s %i -x 200 -y 50 "sleep 100000"
            ExecStop=-/usr/bin/tmux -L {managers.TmuxSocket} kill-session -t =%i
            """);
        await managers.SystemctlAsync("daemon-reload");

        var names = Enumerable.Range(1, options.Agents).Select(i => $"b{i:D4}").ToList();
        var setup = Stopwatch.StartNew();
        await managers.SystemctlAsync(["start", .. names.Select(n => $"{managers.Prefix}-agent@{n}.service")]);
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

        var log = Path.Combine(work, "calls.log");
        var join = new FleetJoin(
            new SystemdSource(TimeProvider.System, await CountingAsync(work, "systemctl", log)),
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
        return 0;
    }

    private static void Check(FleetSnapshot snapshot, int agents)
    {
        var failed = snapshot.Sources.Where(s => !s.Ok).Select(s => $"{s.Source}: {s.Error}").ToList();
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
