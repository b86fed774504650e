using FleetExporter.Fleet;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>node_exporter's <c>--no-collector.NAME</c>: a turned-off collector runs nothing and exports nothing, not even its health.</summary>
public sealed class CollectorFlagsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task A_turned_off_collector_is_not_run_and_its_series_are_gone()
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir, disabledCollectors: ["processes", "usage"]);
        using var http = new HttpClient();
        var page = await http.GetStringAsync(exporter.Url("/metrics"));
        var collectors = page.Split('\n').Where(l => l.StartsWith("fleet_collector_success{", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("collector=\"", StringComparison.Ordinal) + 11)..].Split('"')[0]).Order().ToList();
        Assert.Equal(["heartbeat", "panes", "roster", "send_journal", "systemd", "tmux"], collectors);
        Assert.DoesNotContain("fleet_agent_resident_memory_bytes{", page);
    }

    [Fact]
    public void Systemd_and_tmux_cannot_be_turned_off_and_an_unknown_name_is_named()
    {
        var sources = StandardSources();
        Assert.DoesNotContain("processes", sources.Without(["processes"]).Names);
        Assert.Equal(sources.Names.Count() - 1, sources.Without(["processes"]).Names.Count());
        var e = Assert.Throws<ArgumentException>(() => sources.Without(["tmux"]));
        Assert.Contains("no collector \"tmux\" can be turned off", e.Message);
        Assert.Contains("processes, panes, heartbeat, send_journal, usage", e.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Both_flags_for_one_collector_are_a_usage_error()
    {
        var refused = await FleetBinary.RunAsync(["serve", "--web.listen-address", "127.0.0.1:0", "--collector.usage", "--no-collector.usage"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--collector.usage and --no-collector.usage contradict each other", refused.StandardError);
        var unknown = await FleetBinary.RunAsync(["serve", "--web.listen-address", "127.0.0.1:0", "--no-collector.systemd"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--no-collector.systemd", unknown.StandardError);
    }

    private static FleetSources StandardSources() =>
        FleetSources.Standard(new FleetExporter.Sources.Systemd.SystemdSource(TimeProvider.System), new FleetExporter.Sources.Tmux.TmuxSource(),
            new FleetExporter.Sources.Processes.ProcessSource(), new FleetExporter.Sources.Heartbeats.HeartbeatSource(TimeProvider.System));
}
