using System.Text.RegularExpressions;
using FleetExporter.Glance;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;
using Microsoft.AspNetCore.Builder;

namespace FleetExporter.Tests.Web;

/// <summary>The landing page: reloads itself, summarises, sorts by trouble, explains flags, and names what runs in each pane.</summary>
public sealed class LandingPageTests : IAsyncLifetime
{
    private static readonly ServeOptions Options = new("127.0.0.1:0", "/metrics", null, "/nonexistent/roster.yaml");

    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    private static string Render(int refresh = LandingPage.DefaultRefresh) => LandingPage.Render(SampleAgents.Snapshot(
        SampleAgents.Healthy("fine"), SampleAgents.Waiting("asker"), SampleAgents.Drifted("drifted"),
        SampleAgents.UnitUnknown("unsure"), SampleAgents.Down("down")), Options, null, refresh);

    private static IReadOnlyList<string> RowNames(string html) =>
        Regex.Matches(html, "<tr><td>([^<]*)</td>").Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public void The_page_reloads_itself_every_few_seconds_unless_told_not_to()
    {
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"5\">", Render());
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"30\">", Render(30));
        Assert.DoesNotContain("http-equiv=\"refresh\"", Render(0));
        Assert.Equal(LandingPage.DefaultRefresh, LandingPage.Refresh(null));
        Assert.Equal(LandingPage.DefaultRefresh, LandingPage.Refresh("-1"));
        Assert.Equal(0, LandingPage.Refresh("0"));
        Assert.Equal(3600, LandingPage.Refresh("999999"));
        Assert.DoesNotMatch("<script|src=\"http|href=\"http[^\"]*\\.css", Render());
    }

    [Fact]
    public void The_summary_counts_who_needs_attention_and_those_rows_come_first()
    {
        var html = Render();

        Assert.Contains("<p class=\"summary bad\">4 of 5 agents need attention (2 flagged, 1 with unknown facts, 1 waiting for a human).</p>", html);
        Assert.Equal(["down", "drifted", "unsure", "asker", "fine"], RowNames(html));
    }

    [Fact]
    public void A_fleet_with_nothing_to_do_says_so()
    {
        var html = LandingPage.Render(SampleAgents.Snapshot(SampleAgents.Healthy("a"), SampleAgents.Healthy("b")), Options, null);

        Assert.Contains("<p class=\"summary ok\">All 2 agents are fine.</p>", html);
    }

    [Fact]
    public void Each_flag_links_its_runbook_and_the_legend_explains_every_flag()
    {
        var html = Render();
        var drifted = Regex.Match(html, "<tr><td>drifted</td>.*?</tr>").Value;

        Assert.Contains($"<a class=\"bad\" href=\"{FlagGuide.RunbookBase}fleetagentdrift\"", drifted);
        foreach (var entry in FlagGuide.Entries.Append(FlagGuide.Waiting))
            Assert.Matches($"<dt>{Regex.Escape(System.Net.WebUtility.HtmlEncode(entry.Flag))}</dt><dd>[^<]*<a href=\"{Regex.Escape(entry.RunbookUrl)}\">Runbook</a></dd>", html);
    }

    [Fact]
    public void The_pane_column_shows_the_runtime_found_or_what_runs_instead()
    {
        var html = Render();

        Assert.Matches("<tr><td>fine</td><td>acme</td><td>claude</td><td>active</td><td><span class=\"found\" title=\"runtime claude runs as process 4242 [^\"]*\">claude</span></td>", html);
        Assert.Matches("<tr><td>drifted</td>(?:(?!</tr>).)*<td><span class=\"bad\" title=\"runtime claude is not in the pane; it runs: bash sleep\">bash</span></td>", html);
    }

    [Fact]
    public void Text_from_outside_is_escaped()
    {
        var html = LandingPage.Render(SampleAgents.Snapshot(SampleAgents.Drifted("x", "<img src=x onerror=alert(1)>")), Options, null);

        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
    }

    /// <summary>
    /// The demo's agents start their runtime through a wrapper (`bash -c 'exec -a NAME bash script'`), so tmux shows
    /// `bash` for every pane, running or drifted: the page must show the runtime for one and the shell for the other.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task Served_the_page_tells_a_wrapped_runtime_from_the_shell_that_replaced_one()
    {
        await _tmux.NewSessionAsync("wrapped", "exec bash -c 'exec -a fleet-demo-agent bash -c \"sleep 1000; true\"'");
        await _tmux.NewSessionAsync("drifted", "exec bash --norc --noprofile -i");
        Assert.True(await TmuxServer.EventuallyAsync(async () =>
            await _tmux.DisplayAsync("wrapped", "#{pane_current_command}") == "fleet-demo-agent"
            && await _tmux.DisplayAsync("drifted", "#{pane_current_command}") == "bash"), "the panes never ran their programs");
        var roster = _dir.Write("roster.yaml", $$"""
            tenant: acme
            host: test-host
            heartbeat: { dir: {{_dir.File("hb")}}, interval: 5s }
            tmux: { socket_name: {{_tmux.SocketName}} }
            runtimes:
              demo-agent: { commands: [fleet-demo-agent] }
            agents:
              - { name: wrapped, runtime: demo-agent }
              - { name: drifted, runtime: demo-agent }
            """);
        _app = ExporterApp.Build(Options with { RosterPath = roster }, new WebConfig(null, null, new Dictionary<string, string>()));
        await _app.StartAsync();

        var html = await _http.GetStringAsync(_app.Urls.Single() + "/");

        Assert.Matches("<tr><td>wrapped</td>(?:(?!</tr>).)*<td><span class=\"found\" title=\"runtime demo-agent runs as process \\d+ \\(bash\\)\">demo-agent</span></td>", html);
        Assert.Matches("<tr><td>drifted</td>(?:(?!</tr>).)*<td><span class=\"bad\" title=\"runtime demo-agent is not in the pane; it runs: bash\">bash</span></td>", html);
        Assert.Matches("<tr><td>drifted</td>(?:(?!</tr>).)*fleetagentdrift\"[^>]*>DRIFT</a>", html);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _tmux.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }
}
