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

/// <summary>The real web app on a real Kestrel port, with real subprocesses behind it.</summary>
public sealed class ServeEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private WebApplication? _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _port;

    public Task InitializeAsync() => Task.CompletedTask;

    private string Roster(params string[] agents) => $"""
        tenant: acme
        host: test-host
        heartbeat: {"{"} dir: {_dir.File("hb")}, interval: 5s {"}"}
        tmux: {"{"} socket_name: {_tmux.SocketName} {"}"}
        runtimes:
          sleeper: {"{"} commands: [sleep] {"}"}
        agents:
        {string.Join("\n", agents.Select(a => $"  - {{ name: {a}, runtime: sleeper }}"))}
        """;

    private async Task<string> StartAsync(string rosterYaml, FleetJoin? join = null, WebConfig? webConfig = null)
    {
        var rosterPath = _dir.Write("roster.yaml", rosterYaml);
        var options = new ServeOptions("127.0.0.1:0", "/metrics", null, rosterPath);
        _app = ExporterApp.Build(options, webConfig ?? new WebConfig(null, null, new Dictionary<string, string>()), join);
        await _app.StartAsync();
        _port = new Uri(_app.Urls.Single()).Port;
        return rosterPath;
    }

    private string Url(string path) => $"http://127.0.0.1:{_port}{path}";

    /// <summary>A tmux stand-in that counts its calls and is slow, then runs the real tmux.</summary>
    private string SlowCountingTmux(double delaySeconds)
    {
        var script = _dir.Write("slow-tmux.sh", $"#!/bin/sh\necho call >> {_dir.File("tmux-calls")}\nsleep {delaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}\nexec tmux \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private FleetJoin JoinWithTmux(string tmuxProgram) =>
        new(new SystemdSource(TimeProvider.System), new TmuxSource(tmuxProgram, TimeSpan.FromSeconds(60)), new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System);

    [Fact(Timeout = 60_000)]
    public async Task Fifty_concurrent_scrapes_start_one_collection()
    {
        await _tmux.NewSessionAsync("a1", "sleep 1000");
        // The stand-in is slow enough for all 50 requests to arrive while the first collection runs, and a
        // request that does not collect warms up the server and the client's connections first.
        await StartAsync(Roster("a1"), JoinWithTmux(SlowCountingTmux(4)));
        Assert.Equal("OK\n", await _http.GetStringAsync(Url("/-/healthy")));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _http.GetAsync(Url("/metrics"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(File.ReadAllLines(_dir.File("tmux-calls")));
        var body = await responses[0].Content.ReadAsStringAsync();
        Assert.Contains("fleet_exporter_collections_total 1", body);
        Assert.Contains("fleet_agent_session_present{tenant=\"acme\",host=\"test-host\",agent=\"a1\"} 1", body);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_scrape_ends_within_the_prometheus_scrape_timeout_and_marks_only_the_slow_source()
    {
        await StartAsync(Roster("a1"), JoinWithTmux(SlowCountingTmux(30)));
        var request = new HttpRequestMessage(HttpMethod.Get, Url("/metrics"));
        request.Headers.Add(ScrapeBudget.Header, "2");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} after {watch.Elapsed.TotalSeconds:0.00} s: {body}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"the scrape took {watch.Elapsed.TotalSeconds:0.0} s against a 2 s timeout");
        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"tmux\"} 0", body);
        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"heartbeat\"} 1", body);
        Assert.Contains("fleet_heartbeat_missing{tenant=\"acme\",host=\"test-host\",agent=\"a1\"} 1", body);
        Assert.DoesNotContain("fleet_agent_session_present{", body);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/metrics/")]
    [InlineData("/METRICS")]
    public async Task Every_spelling_routing_accepts_for_the_metrics_path_collects_first(string path)
    {
        await StartAsync(Roster("a1"));

        var body = await _http.GetStringAsync(Url(path));

        Assert.Contains("fleet_exporter_collections_total 1", body);
        Assert.Contains("agent=\"a1\"", body);
    }

    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
    [Fact(Timeout = 60_000)]
    public async Task A_scrape_that_joins_a_longer_collection_waits_only_its_own_timeout()
    {
        await StartAsync(Roster("a1"), JoinWithTmux(SlowCountingTmux(30)));
        // The landing page starts a collection with the default 10 s budget ...
        var landing = _http.GetAsync(Url("/"));
        await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(_dir.File("tmux-calls"))));
        var request = new HttpRequestMessage(HttpMethod.Get, Url("/metrics"));
        request.Headers.Add(ScrapeBudget.Header, "2");

        // ... and a scrape with a 2 s timeout that arrives meanwhile does not wait for all of it.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var response = await _http.SendAsync(request);
        watch.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"the scrape took {watch.Elapsed.TotalSeconds:0.0} s against a 2 s timeout");
        Assert.Equal(HttpStatusCode.OK, (await landing).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_agent_removed_from_the_roster_disappears_at_the_next_scrape()
    {
        var rosterPath = await StartAsync(Roster("keep", "gone"));
        var before = await _http.GetStringAsync(Url("/metrics"));
        Assert.Contains("agent=\"gone\"", before);

        await File.WriteAllTextAsync(rosterPath, Roster("keep"));
        File.SetLastWriteTimeUtc(rosterPath, DateTime.UtcNow.AddSeconds(5));
        var after = await _http.GetStringAsync(Url("/metrics"));

        Assert.DoesNotContain("agent=\"gone\"", after);
        Assert.Contains("agent=\"keep\"", after);
        Assert.Contains("fleet_roster_agents{host=\"test-host\"} 1", after);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_roster_that_turns_bad_keeps_the_last_good_one_and_reports_it()
    {
        var rosterPath = await StartAsync(Roster("keep"));
        await _http.GetStringAsync(Url("/metrics"));

        await File.WriteAllTextAsync(rosterPath, Roster("keep") + "\nbogus_key: 1\n");
        File.SetLastWriteTimeUtc(rosterPath, DateTime.UtcNow.AddSeconds(5));
        var after = await _http.GetStringAsync(Url("/metrics"));

        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"roster\"} 0", after);
        Assert.Contains("agent=\"keep\"", after);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_landing_page_links_to_the_metrics_and_shows_each_agent()
    {
        await StartAsync(Roster("alpha", "beta"));

        var page = await _http.GetStringAsync(Url("/"));

        Assert.Contains("href=\"metrics\"", page);
        Assert.Matches(new Regex("<td>alpha</td>.*HB-MISSING", RegexOptions.Singleline), page);
        Assert.Contains("<td>beta</td>", page);
        Assert.Equal("OK\n", await _http.GetStringAsync(Url("/-/healthy")));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_no_roster_file_serve_serves_an_empty_fleet_and_says_how_to_add_one()
    {
        var rosterPath = await StartAsync(Roster("alpha"));
        File.Delete(rosterPath);

        var metrics = await _http.GetStringAsync(Url("/metrics"));
        var page = await _http.GetStringAsync(Url("/"));

        Assert.DoesNotContain("fleet_agent_info{", metrics);
        // With no roster the host label is this machine's name, the empty roster's default. Serving nobody is not
        // healthy: the roster collector says so (it said 1 before issue 10, and no alert could fire).
        Assert.Contains($"fleet_collector_success{{host=\"{FleetExporter.Roster.RosterLoader.Empty().Host}\",collector=\"roster\"}} 0", metrics);
        Assert.Contains($"No roster at <code>{rosterPath}</code>", page);

        await File.WriteAllTextAsync(rosterPath, Roster("late"));
        Assert.Contains("agent=\"late\"", await _http.GetStringAsync(Url("/metrics")));
    }

    /// <summary>What replaces a good roster under a running serve; each keeps the last good roster with collector "roster" 0.</summary>
    public static TheoryData<string> Replacements => ["deleted", "a directory", "a FIFO", "a symlink to /dev/zero", "nested 40000 deep", "larger than 1 MiB"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Replacements))]
    public async Task A_roster_replaced_by_something_unusable_keeps_the_last_good_one_and_says_so(string replacement)
    {
        var rosterPath = await StartAsync(Roster("keep"));
        Assert.Contains("agent=\"keep\"", await _http.GetStringAsync(Url("/metrics")));

        File.Delete(rosterPath);
        switch (replacement)
        {
            case "a directory": Directory.CreateDirectory(rosterPath); break;
            case "a FIFO": Mkfifo(rosterPath); break;
            case "a symlink to /dev/zero": File.CreateSymbolicLink(rosterPath, "/dev/zero"); break;
            case "nested 40000 deep": File.WriteAllText(rosterPath, "agents: " + new string('[', 40000) + new string(']', 40000) + "\n"); break;
            case "larger than 1 MiB": File.WriteAllText(rosterPath, Roster("keep") + "\n" + new string('#', 2 << 20) + "\n"); break;
        }
        var after = await _http.GetAsync(Url("/metrics"));
        var page = await _http.GetAsync(Url("/"));

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var body = await after.Content.ReadAsStringAsync();
        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"roster\"} 0", body);
        Assert.Contains("fleet_agent_info{tenant=\"acme\",host=\"test-host\",agent=\"keep\"", body);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("roster: ", await page.Content.ReadAsStringAsync());

        // A good roster back is picked up at the next scrape.
        if (Directory.Exists(rosterPath)) Directory.Delete(rosterPath); else File.Delete(rosterPath);
        await File.WriteAllTextAsync(rosterPath, Roster("back"));
        var healed = await _http.GetStringAsync(Url("/metrics"));
        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"roster\"} 1", healed);
        Assert.Contains("agent=\"back\"", healed);
        Assert.DoesNotContain("agent=\"keep\"", healed);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_serve_process_survives_a_roster_nested_40000_deep()
    {
        var rosterPath = _dir.Write("live.yaml", Roster("keep"));
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", rosterPath]);
        Assert.Contains("agent=\"keep\"", await serve.GetAsync("/metrics"));

        File.WriteAllText(rosterPath, "agents: " + new string('[', 40000) + new string(']', 40000) + "\n");
        var after = await serve.GetAsync("/metrics");

        Assert.Contains("fleet_collector_success{host=\"test-host\",collector=\"roster\"} 0", after);
        Assert.Contains("agent=\"keep\"", after);
    }

    private static void Mkfifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
    }

    [Theory(Timeout = 60_000)]
    [InlineData("POST", "/metrics")]
    [InlineData("PUT", "/")]
    [InlineData("DELETE", "/-/healthy")]
    public async Task Nothing_but_get_and_head_is_accepted(string method, string path)
    {
        await StartAsync(Roster("alpha"));

        var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), Url(path)));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Basic_auth_from_the_web_config_protects_every_route()
    {
        var hash = BCrypt.Net.BCrypt.HashPassword("s3cret", workFactor: 4);
        var configFile = _dir.Write("web.yml", $"basic_auth_users:\n  prom: '{hash}'\n");
        await StartAsync(Roster("alpha"), webConfig: WebConfig.Load(configFile));

        var anonymous = await _http.GetAsync(Url("/metrics"));
        var wrong = new HttpRequestMessage(HttpMethod.Get, Url("/metrics"));
        wrong.Headers.Authorization = new("Basic", Convert.ToBase64String("prom:nope"u8.ToArray()));
        var right = new HttpRequestMessage(HttpMethod.Get, Url("/metrics"));
        right.Headers.Authorization = new("Basic", Convert.ToBase64String("prom:s3cret"u8.ToArray()));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(right)).StatusCode);
    }

    [Theory]
    [InlineData("basic_auth_users: {}\nhttp_server_config:\n  http3: true\n", "3: http_server_config.http3: not supported")]
    [InlineData("basic_auth_users: {}\nweb_server_config:\n  http2: false\n", "2: web_server_config: not supported")]
    public void A_web_config_with_a_key_the_exporter_toolkit_does_not_know_is_refused_with_its_line(string yaml, string expected)
    {
        var configFile = _dir.Write("web.yml", yaml);

        var error = Assert.Throws<WebConfigException>(() => WebConfig.Load(configFile));

        Assert.Contains($"{configFile}:{expected}", error.Message);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _tmux.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }
}
