using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Web;

/// <summary>
/// The landing page (<c>/</c>) in a real headless Chromium: the live demo's page, and a 1000-agent page rendered by
/// <see cref="LandingPage.Render"/>. In the systemd collection, as the demo's own tests: the demo may use its user manager.
/// </summary>
[Collection(SystemdCollection.Name)]
[Trait(Speed.Trait, Speed.Slow)]
public sealed class BrowserLandingPageTests(DemoStack stack, ITestOutputHelper output) : IClassFixture<DemoStack>
{
    [Fact(Timeout = 120_000)]
    public async Task The_demos_page_shows_every_agent_with_its_state_and_flags_in_words_readable_at_400_px()
    {
        await using var browser = await HeadlessChromium.StartAsync();
        await using var page = await browser.OpenPageAsync();

        // Reloading off while the page is read: a reload in the middle would leave no document to ask.
        await page.NavigateAsync(stack.Demo.Url + "/?refresh=0");
        var rows = await PageChecks.RowsAsync(page);

        // The state in words with its source ("working (hook)"); an unknown state is "?", never a colour alone.
        PageChecks.AssertDemoRows(rows, await stack.Demo.GetAsync("/metrics"),
            (state, shown) => state == "unknown" ? shown == "?" : shown.StartsWith(state + " (", StringComparison.Ordinal));
        Assert.Contains(rows, r => r["flags"] == "HB-STALE");
        await PageChecks.AssertLooksRightAsync(page, "landing-demo", output);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_demos_page_reloads_itself_and_stops_when_told_with_no_console_error()
    {
        await using var browser = await HeadlessChromium.StartAsync();
        await using var page = await browser.OpenPageAsync();

        await PageChecks.AssertRefreshAsync(page, stack.Demo.Url + "/", LandingPage.DefaultRefresh.ToString(System.Globalization.CultureInfo.InvariantCulture));

        PageChecks.AssertNoErrors(page);
    }

    /// <summary>
    /// 1000 agents: the page is the product's renderer over a generated snapshot (starting 1000 real units would not
    /// fit the budget), served from a loopback Kestrel. Every agent is a row with its state and flags in words.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task At_1000_agents_every_agent_is_a_row_and_the_page_stays_readable()
    {
        var fleet = GeneratedFleet.Snapshot(1000);
        var options = new ServeOptions("127.0.0.1:0", "/metrics", null, "/nonexistent/roster.yaml");
        await using var site = await LoopbackSite.StartAsync(new Dictionary<string, (string, Func<IQueryCollection, string>)>
        {
            ["/"] = ("text/html; charset=utf-8", q => LandingPage.Render(fleet, options, null, LandingPage.Refresh(q["refresh"]))),
        });
        await using var browser = await HeadlessChromium.StartAsync();
        await using var page = await browser.OpenPageAsync();

        var rows = await PageChecks.LoadWithinAsync(page, site.Url + "/?refresh=0", TimeSpan.FromSeconds(10), output);

        PageChecks.AssertGeneratedRows(rows, 1000, shape => shape.LandingState);
        await PageChecks.AssertLooksRightAsync(page, "landing-1000", output);
    }
}
