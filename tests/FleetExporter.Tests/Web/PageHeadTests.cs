using FleetExporter.Federation;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// What both pages carry for a browser, as text (the browser tests check the effect): /fleet reloads itself as the
/// landing page does and keeps its filters in the links that stop or restart reloading; both fit a phone's width
/// and ask for no favicon.
/// </summary>
public sealed class PageHeadTests
{
    private static readonly ServeOptions Options = new("127.0.0.1:0", "/metrics", null, "/nonexistent/roster.yaml");
    private static readonly Uri Prometheus = new("http://prometheus:9090/");

    private static readonly RemoteFleetView View =
        new(SampleAgents.Snapshot(SampleAgents.Healthy("a")), [], new Dictionary<string, IReadOnlyList<FleetExporter.Sources.SourceHealth>>());

    private static string Fleet(int? refresh = null, string filters = "") =>
        refresh is { } seconds ? FleetPage.Render(View, Prometheus, seconds, filters) : FleetPage.Render(View, Prometheus);

    [Fact]
    public void Fleet_reloads_itself_every_15_s_unless_told_otherwise_and_its_links_keep_the_filters()
    {
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"15\">", Fleet());
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"30\">", Fleet(30));
        Assert.Contains("(<a href=\"?refresh=0\">stop</a>)", Fleet(30));
        Assert.Contains("(<a href=\"?agent=a%20b&amp;host=h&amp;refresh=0\">stop</a>)", Fleet(30, "agent=a%20b&host=h"));
        Assert.DoesNotContain("http-equiv=\"refresh\"", Fleet(0, "host=h"));
        Assert.Contains("(<a href=\"?host=h&amp;refresh=15\">reload every 15 s</a>)", Fleet(0, "host=h"));
    }

    [Fact]
    public void Both_pages_fit_a_narrow_screen_and_ask_for_no_favicon()
    {
        foreach (var html in new[] { Fleet(5), LandingPage.Render(SampleAgents.Snapshot(SampleAgents.Healthy("a")), Options, null) })
        {
            Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
            Assert.Contains("<link rel=\"icon\" href=\"data:,\">", html);
            Assert.Contains("<div class=\"wide\"><table><tr><th>", html);
            Assert.Contains("</table></div>", html);
            Assert.Contains(".wide{overflow-x:auto}", html);
        }
    }
}
