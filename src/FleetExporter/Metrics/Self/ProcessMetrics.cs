using System.Diagnostics;
using Prometheus;

namespace FleetExporter.Metrics.Self;

/// <summary>
/// The exporter's own <c>process_*</c> series, with the names, HELP texts and sources of the Prometheus Go client's
/// process collector (what node_exporter exports): a custom registry starts empty, and prometheus-net's DotNetStats
/// uses other names (process_working_set_bytes, process_open_handles) and no fd limit. Refreshed before each scrape.
/// </summary>
public static class ProcessMetrics
{
    public static void Register(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var virtualBytes = factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        var start = factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        // These two come from files that could (in theory) be unreadable: absent then, never a made-up 0.
        var unreadUntilRead = new GaugeConfiguration { SuppressInitialValue = true };
        var openFds = factory.CreateGauge("process_open_fds", "Number of open file descriptors.", unreadUntilRead);
        var maxFds = factory.CreateGauge("process_max_fds", "Maximum number of open file descriptors.", unreadUntilRead);

        using (var self = Process.GetCurrentProcess())
            start.Set(new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        registry.AddBeforeCollectCallback(() =>
        {
            using var self = Process.GetCurrentProcess();
            cpu.IncTo(self.TotalProcessorTime.TotalSeconds);
            resident.Set(self.WorkingSet64);
            virtualBytes.Set(self.VirtualMemorySize64);
            Read(openFds, () => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
            Read(maxFds, () => ProcLimits.SoftLimit(File.ReadAllText("/proc/self/limits"), "Max open files"));
        });
    }

    private static void Read(Gauge gauge, Func<double?> read)
    {
        double? value;
        try { value = read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { value = null; }
        if (value is { } v) gauge.Set(v);
        else gauge.Unpublish();
    }
}
