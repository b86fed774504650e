using FleetExporter.Metrics;
using FleetExporter.Tests.Federation;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tests.Metrics;
using FleetExporter.Web;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Web;

/// <summary>
/// <c>/fleet</c> in a real headless Chromium, always from a real <c>serve --prometheus.url</c> reading a real
/// Prometheus: over the live demo, and over 1000 agents whose exposition the product's own metrics code wrote.
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait(Speed.Trait, Speed.Slow)]
public sealed class BrowserFleetPageTests(DemoStack stack, ITestOutputHelper output) : IClassFixture<DemoStack>
{
    [Fact(Timeout = 180_000)]
    public async Task The_demo_through_prometheus_shows_every_agent_with_its_state_and_flags_in_words_readable_at_400_px()
    {
        var fleet = await stack.FleetAsync();
        await using var browser = await HeadlessChromium.StartAsync();
        await using var page = await browser.OpenPageAsync();

        await page.NavigateAsync(fleet.Url + "/fleet?refresh=0");
        var rows = await PageChecks.RowsAsync(page);
        var metrics = await stack.Demo.GetAsync("/metrics");

        Assert.All(rows, r => Assert.Equal(DemoMetrics.Host(metrics), r["host"]));
        PageChecks.AssertDemoRows(rows, metrics, (state, shown) => state == shown);
        await PageChecks.AssertLooksRightAsync(page, "fleet-demo", output);
    }

    [Fact(Timeout = 180_000)]
    public async Task The_page_reloads_itself_keeping_its_filter_and_stops_when_told_with_no_console_error()
    {
        var fleet = await stack.FleetAsync();
        await using var browser = await HeadlessChromium.StartAsync();
        await using var page = await browser.OpenPageAsync();

        var period = FleetPage.DefaultRefresh.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await PageChecks.AssertRefreshAsync(page, fleet.Url + "/fleet?agent=drifted", period);
        // Reloading is off now; its link turns it on again and keeps the filter.
        await page.ClickAndWaitAsync("a[href*='refresh=']");

        Assert.Equal($"?agent=drifted&refresh={period}", (await page.EvaluateAsync("location.search")).GetString());
        Assert.Equal(period, (await page.EvaluateAsync("document.querySelector('meta[http-equiv=refresh]').content")).GetString());
        Assert.Equal(["drifted"], (await PageChecks.RowsAsync(page)).Select(r => r["agent"]));
        PageChecks.AssertNoErrors(page);
    }

    /// <summary>
    /// 1000 agents: a loopback endpoint serves the exposition <see cref="FleetMetrics"/> writes for a generated
    /// 1000-agent snapshot, a real Prometheus scrapes it, and a real serve renders /fleet from that Prometheus.
    /// </summary>
    [Fact(Timeout = 180_000)]
    public async Task At_1000_agents_every_agent_is_a_row_and_the_page_stays_readable()
    {
        var snapshot = GeneratedFleet.Snapshot(1000);
        var metrics = new FleetMetrics();
        metrics.Publish(snapshot);
        var exposition = await ExpositionGoldenTests.ExposeAsync(metrics);
        await using var exporter = await LoopbackSite.StartAsync(new Dictionary<string, (string, Func<IQueryCollection, string>)>
        {
            ["/metrics"] = ("text/plain; version=0.0.4; charset=utf-8", _ => exposition),
        });
        using var dir = new TempDirectory();
        var fileSd = dir.Write("targets/none.yml", TopologyConfig.FileSd([]));
        await using var prometheus = await PrometheusServer.StartAsync(
            TopologyConfig.MultiHost(fileSd, new Uri(exporter.Url).Authority, snapshot.Roster.Host, TimeSpan.FromSeconds(1)));
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", dir.File("none.yaml"), "--prometheus.url", prometheus.Url]);
        var rowsThere = $"<td>{GeneratedFleet.Name(999)}</td>";
        var html = await PsRun.UntilAsync(() => serve.GetAsync("/fleet?refresh=0"), h => h.Contains(rowsThere), TimeSpan.FromSeconds(60));
        Assert.Contains(rowsThere, html);
        await using var browser = await HeadlessChromium.StartAsync();
        await using var page = await browser.OpenPageAsync();

        var rows = await PageChecks.LoadWithinAsync(page, serve.Url + "/fleet?refresh=0", TimeSpan.FromSeconds(15), output);

        PageChecks.AssertGeneratedRows(rows, 1000, shape => shape.FleetState);
        await PageChecks.AssertLooksRightAsync(page, "fleet-1000", output);
    }
}
