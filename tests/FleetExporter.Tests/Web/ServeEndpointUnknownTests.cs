using System.Net;
using System.Text.RegularExpressions;
using FleetExporter.Fleet;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;
using Microsoft.AspNetCore.Builder;

namespace FleetExporter.Tests.Web;

/// <summary>
/// Unknown is never served as healthy (issue 10, findings 3 and 9): a runtime pattern that times out costs only its
/// agent's runtime facts, and an agent whose flags cannot all be decided is not "ok" on the landing page.
/// </summary>
public sealed class ServeEndpointUnknownTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _app;
    private int _port;

    public Task InitializeAsync() => Task.CompletedTask;

    private string Roster => $"""
        tenant: acme
        host: test-host
        heartbeat: {"{"} dir: {_dir.File("hb")}, interval: 5s {"}"}
        tmux: {"{"} socket_name: {_tmux.SocketName} {"}"}
        runtimes:
          sleeper: {"{"} commands: [sleep] {"}"}
          hostile: {"{"} match: ['^(a+)+$'] {"}"}
        agents:
          - {"{"} name: victim, runtime: hostile {"}"}
          - {"{"} name: bystander, runtime: sleeper {"}"}
        """;

    private async Task StartAsync(FleetJoin? join = null)
    {
        var options = new ServeOptions("127.0.0.1:0", "/metrics", null, _dir.Write("roster.yaml", Roster));
        _app = ExporterApp.Build(options, new WebConfig(null, null, new Dictionary<string, string>()), join);
        await _app.StartAsync();
        _port = new Uri(_app.Urls.Single()).Port;
    }

    private string Url(string path) => $"http://127.0.0.1:{_port}{path}";

    private async Task StartPanesAsync()
    {
        await _tmux.NewSessionAsync("victim", "exec bash -c 'exec -a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! sleep 1000'");
        await _tmux.NewSessionAsync("bystander", "exec sleep 1000");
        Assert.True(await TmuxServer.EventuallyAsync(async () =>
            await _tmux.DisplayAsync("victim", "#{pane_current_command}") is "sleep" or "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
            "the victim's pane never ran sleep");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_runtime_pattern_that_times_out_costs_only_that_agents_runtime_series()
    {
        await StartPanesAsync();
        await StartAsync();

        var response = await _http.GetAsync(Url("/metrics"));
        var body = await response.Content.ReadAsStringAsync();
        var page = await _http.GetAsync(Url("/"));
        var html = await page.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"processes\"} 1", body);
        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"tmux\"} 1", body);
        Assert.Contains("fleet_agent_session_present{tenant=\"acme\",host=\"test-host\",agent=\"victim\"} 1", body);
        Assert.DoesNotContain("fleet_agent_drift{tenant=\"acme\",host=\"test-host\",agent=\"victim\"}", body);
        Assert.DoesNotContain("fleet_agent_flag{tenant=\"acme\",host=\"test-host\",agent=\"victim\",flag=\"DRIFT\"}", body);
        Assert.Contains("fleet_agent_drift{tenant=\"acme\",host=\"test-host\",agent=\"bystander\"} 0", body);
        Assert.Contains("fleet_agent_process_resident_memory_bytes{tenant=\"acme\",host=\"test-host\",agent=\"bystander\"}", body);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}: {html}");
        Assert.Matches(new Regex("<tr><td>victim</td>(?:(?!</tr>).)*<span class=\"unknown\"[^>]*>\\?</span></td></tr>", RegexOptions.Singleline), html);
        Assert.Contains("^(a+)+$", html);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_agent_whose_unit_is_unknown_is_not_ok_on_the_landing_page()
    {
        await StartPanesAsync();
        var noSystemd = new SystemdSource(TimeProvider.System, _dir.File("no-such-systemctl"));
        await StartAsync(new FleetJoin(noSystemd, new TmuxSource(), new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System));
        _dir.Write("hb/bystander.hb", $"{{\"v\":1,\"ts\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}\n");

        var html = await _http.GetStringAsync(Url("/"));

        var row = Regex.Match(html, "<tr><td>bystander</td>.*?</tr>", RegexOptions.Singleline).Value;
        Assert.DoesNotContain("class=\"ok\"", row);
        Assert.Matches("<span class=\"unknown\"[^>]*>\\?</span></td></tr>", row);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _tmux.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }
}
