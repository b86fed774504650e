using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Subprocess;

namespace FleetExporter.Benchmarks;

/// <summary>What one collection costs in this process: the join's wall time, and the bytes allocated by the join, by publishing its series and by rendering the text page.</summary>
internal sealed record CollectionFigures(
    double JoinMedianMs, double JoinP95Ms, IReadOnlyDictionary<string, double> SourceMedianMs,
    long JoinBytes, long PublishBytes, long RenderBytes, double SubprocessesPerCollection, long PublishedLiveBytes);

/// <summary>
/// The join as <c>serve</c> runs it (the default sources: systemd over D-Bus, one tmux call, /proc, the heartbeat
/// files) with wrapper scripts around systemctl and tmux that count the subprocesses, then the same path a scrape takes
/// through the series and the text exposition.
/// </summary>
internal sealed class InProcessCollection
{
    private readonly FleetJoin _join;
    private readonly string _log;

    private InProcessCollection(FleetJoin join, string log) => (_join, _log) = (join, log);

    public static async Task<InProcessCollection> CreateAsync(string work)
    {
        var log = Path.Combine(work, "calls.log");
        var join = new FleetJoin(
            new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System, await CountingAsync(work, "systemctl", log))),
            new TmuxSource(await CountingAsync(work, "tmux", log)),
            new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System);
        return new InProcessCollection(join, log);
    }

    public async Task<CollectionFigures> MeasureAsync(FleetRoster roster, int joins)
    {
        Check(await _join.CollectAsync(roster), roster.Agents.Count); // warm-up: JIT, connection, UnitFileState read
        var withoutSeries = GC.GetTotalMemory(forceFullCollection: true);
        var metrics = new FleetMetrics();
        File.Delete(_log);

        var walls = new List<double>();
        var sources = new Dictionary<string, List<double>>();
        long joinBytes = 0, publishBytes = 0, renderBytes = 0;
        for (var i = 0; i < joins; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var snapshot = await _join.CollectAsync(roster);
            walls.Add(watch.Elapsed.TotalMilliseconds);
            var joined = GC.GetTotalAllocatedBytes(precise: true);
            metrics.Publish(snapshot);
            var published = GC.GetTotalAllocatedBytes(precise: true);
            await metrics.WriteAsync(Stream.Null, Prometheus.ExpositionFormat.PrometheusText);
            var rendered = GC.GetTotalAllocatedBytes(precise: true);
            joinBytes += joined - before;
            publishBytes += published - joined;
            renderBytes += rendered - published;
            Check(snapshot, roster.Agents.Count);
            foreach (var s in snapshot.Sources)
                (sources.TryGetValue(s.Source, out var l) ? l : sources[s.Source] = []).Add(s.Duration.TotalMilliseconds);
        }
        var calls = File.Exists(_log) ? File.ReadAllLines(_log).Length : 0;
        // What serve keeps between scrapes for this fleet: the published series (and the last snapshot, held here too).
        var seriesLive = GC.GetTotalMemory(forceFullCollection: true) - withoutSeries;
        GC.KeepAlive(metrics);
        return new CollectionFigures(
            Stats.Median(walls), Stats.Percentile(walls, 0.95), sources.ToDictionary(s => s.Key, s => Stats.Median(s.Value)),
            joinBytes / joins, publishBytes / joins, renderBytes / joins, (double)calls / joins, seriesLive);
    }

    /// <summary>Every source answered (none fell back) and every agent runs with no flag but BOOT-ENABLE (the units are not enabled).</summary>
    private static void Check(FleetSnapshot snapshot, int agents)
    {
        var failed = snapshot.Sources.Where(s => !s.Ok || s.Note is not null).Select(s => $"{s.Source}: {s.Error ?? s.Note}").ToList();
        if (failed.Count > 0) throw new InvalidOperationException("a source failed: " + string.Join("; ", failed));
        var flagged = snapshot.Agents.Where(a => a.Flags.Except([AgentFlags.BootEnable]).Any()).ToList();
        if (snapshot.Agents.Count != agents || flagged.Count > 0)
            throw new InvalidOperationException($"expected {agents} running agents, {flagged.Count} have flags: " +
                string.Join(", ", flagged.Take(3).Select(a => $"{a.Spec.Name} {string.Join(',', a.Flags)}")));
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
