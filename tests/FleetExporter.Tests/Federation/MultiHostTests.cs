using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Federation;

/// <summary>
/// Three hosts on this machine, each with its own systemd user manager, tmux server, roster (its own <c>host</c>) and
/// <c>serve</c>; one real Prometheus scraping all of them with deploy/prometheus/multi-host (two hosts through file_sd,
/// one static); the real <c>fleet-exporter ps --prometheus</c> reading it. Heartbeats every 1 s; scrapes every 3 s, so
/// that each collection has 2.5 s (a source that takes longer on a loaded machine is rightly reported as failed).
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class MultiHostTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Scrape = TimeSpan.FromSeconds(3);

    [Fact(Timeout = 240_000)]
    public async Task Ps_through_prometheus_lists_every_agent_of_every_host_with_its_flags_and_marks_a_stopped_exporter()
    {
        await using var hosts = await PrivateHosts.StartAsync(Interval,
            ("host-a", "acme", [new("a1"), new("a2", Enabled: false)]),
            ("host-b", "globex", [new("b1"), new("b2", Beating: false), new("b3", Drifted: true)]),
            ("host-c", "acme", [new("c1")]));
        var (a, b, c) = (hosts[0], hosts[1], hosts[2]);
        // a1 has spent: $10 of claude-opus-4-5 output (400k tokens at $25 per million), and 5 tokens of a model no price knows.
        var a1Usage = FleetExporter.Usage.UsageFile.PathFor(a.HeartbeatDir, "a1");
        var spent = FleetExporter.Usage.UsageTotals.Empty.Add(new("m1", "claude-opus-4-5", 0, 400_000, 0, 0)).Add(new("m2", "mystery-model", 5, 0, 0, 0) { Context = 150_000 });
        FleetExporter.Usage.UsageFile.Write(a1Usage, spent, DateTimeOffset.UtcNow);
        using var dir = new TempDirectory();
        var fileSd = dir.Write("targets/fleet.yml", TopologyConfig.FileSd([($"127.0.0.1:{a.Serve!.Port}", a.Name), ($"127.0.0.1:{b.Serve!.Port}", b.Name)]));
        await using var prometheus = await PrometheusServer.StartAsync(TopologyConfig.MultiHost(fileSd, $"127.0.0.1:{c.Serve!.Port}", c.Name, Scrape));

        // Every host current and every flag decided: exit 0, one row per agent of every host.
        string[] expected =
        [
            "host-a acme a1: ", "host-a acme a2: BOOT-ENABLE",
            "host-b globex b1: ", "host-b globex b2: HB-MISSING", "host-b globex b3: DRIFT",
            "host-c acme c1: ",
        ];
        var run = await PsRun.EventuallyAsync(prometheus.Url, r => r.Code == 0 && r.Rows.Select(PsRun.Row).Order().SequenceEqual(expected), TimeSpan.FromSeconds(60));
        Assert.True(run.Code == 0, run.Describe());
        var rows = run.Rows;
        Assert.Equal(expected, rows.Select(PsRun.Row).Order());
        Assert.All(rows, r => Assert.Equal("active", r["unit"]!["active_state"]!.GetValue<string>()));
        Assert.All(rows.Where(r => PsRun.Name(r) != "b2"), r => Assert.Equal("ok", r["heartbeat"]!["state"]!.GetValue<string>()));

        // Filters, and the table, through $FLEET_PROMETHEUS_URL.
        var table = new System.Text.RegularExpressions.Regex(@"^b3 +globex +host-b +active .* DRIFT$", System.Text.RegularExpressions.RegexOptions.Multiline);
        var drift = await PsRun.UntilAsync(() => FleetBinary.RunAsync(["ps", "--host", "host-b", "--flag", "DRIFT"], env: new Dictionary<string, string?> { ["FLEET_PROMETHEUS_URL"] = prometheus.Url }),
            r => table.IsMatch(r.StandardOutput), TimeSpan.FromSeconds(30));
        var lines = drift.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("AGENT", lines[0]);
        Assert.Matches(@"^b3 +globex +host-b +active .* DRIFT$", lines[1]);
        var acme = await PsRun.RunAsync(prometheus.Url, "--tenant", "acme");
        Assert.Equal(["a1", "a2", "c1"], acme.Rows.Select(PsRun.Name).Order());

        // What a1 spent, as its exporter priced it; a spend that grows while Prometheus watches counts for today.
        var usage = Assert.Single(acme.Rows, r => PsRun.Name(r) == "a1")["usage"]!;
        Assert.Equal(10.0, usage["cost_usd"]!.GetValue<double>(), 6);
        Assert.Equal(["mystery-model"], usage["unpriced_models"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(150_000, usage["context"]!["tokens"]!.GetValue<long>());
        FleetExporter.Usage.UsageFile.Write(a1Usage, spent.Add(new("m3", "claude-opus-4-5", 0, 40_000, 0, 0)), DateTimeOffset.UtcNow);
        var grown = await PsRun.UntilAsync(() => PsRun.RunAsync(prometheus.Url, "--agent", "a1"),
            r => r.Rows.SingleOrDefault()?["usage"]?["cost_today_usd"]?.GetValue<double>() > 0, TimeSpan.FromSeconds(60));
        var today = grown.Rows.Single()["usage"]!;
        output.WriteLine($"a1 from Prometheus: cost {today["cost_usd"]}, today {today["cost_today_usd"]}");
        Assert.Equal(11.0, today["cost_usd"]!.GetValue<double>(), 6);
        Assert.InRange(today["cost_today_usd"]!.GetValue<double>(), 0.01, 11.0);
        var spendTable = (await FleetBinary.RunAsync(["ps", "--agent", "a1"], env: new Dictionary<string, string?> { ["FLEET_PROMETHEUS_URL"] = prometheus.Url })).StandardOutput;
        Assert.Matches(@"^AGENT +TENANT +HOST .* TODAY +COST +CTX +FLAGS\n", spendTable);
        Assert.Matches(@"\na1 .* \$11\+\? +- +ok\n", spendTable);

        // serve's /fleet shows the same rows, linked from the landing page.
        using var noRoster = new TempDirectory();
        await using var page = await ServeProcess.StartAsync("serve", ["--roster", noRoster.File("none.yaml"), "--prometheus.url", prometheus.Url]);
        Assert.Contains("<a href=\"fleet\">Fleet across hosts</a>", await page.GetAsync("/"));
        var b3 = "<td>host-b</td><td>b3</td><td>globex</td><td>editor</td><td>active</td>";
        var html = await PsRun.UntilAsync(() => page.GetAsync("/fleet"), h => h.Contains(b3), TimeSpan.FromSeconds(30));
        Assert.Contains(b3, html);
        Assert.Contains("<span class=\"bad\">DRIFT</span>", html);
        Assert.Contains("<td>host-a</td><td>a1</td>", html);
        Assert.Contains("<td>$11+?</td><td>-</td>", html);
        Assert.DoesNotContain("<td>host-a</td><td>b1</td>", await page.GetAsync("/fleet?host=host-a"));

        // host-c's exporter stops: its agent stays a row, flagged, and nothing about it is shown as known.
        await c.StopServeAsync();
        string[] down = [.. expected[..^1], "host-c acme c1: EXPORTER-DOWN"];
        run = await PsRun.EventuallyAsync(prometheus.Url, r => r.Rows.Select(PsRun.Row).Order().SequenceEqual(down), TimeSpan.FromSeconds(60));
        output.WriteLine(run.Describe());
        Assert.Equal(6, run.Code);
        rows = run.Rows;
        var c1 = Assert.Single(rows, r => PsRun.Name(r) == "c1");
        Assert.Equal("EXPORTER-DOWN", PsRun.Flags(c1));
        Assert.Equal("unknown", c1["state"]!["name"]!.GetValue<string>());
        Assert.Null(c1["unit"]!["active_state"]);
        Assert.StartsWith("EXPORTER-DOWN on host host-c: up == 0", c1["unknown"]!["exporter"]!.GetValue<string>());
        Assert.Contains("! exporter@host-c unknown: EXPORTER-DOWN", run.Stderr);
        html = await PsRun.UntilAsync(() => page.GetAsync("/fleet"), h => h.Contains("host-c: EXPORTER-DOWN"), TimeSpan.FromSeconds(30));
        Assert.Contains("<td>host-c</td><td>c1</td><td>acme</td><td>sleeper</td><td><span class=\"unknown\">?</span></td>", html);
        Assert.Contains("<li class=\"bad\">host-c: EXPORTER-DOWN: up == 0", html);
        // The other hosts are unchanged.
        Assert.Equal(down, rows.Select(PsRun.Row).Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreachable_prometheus_is_exit_code_7_or_a_503_page_and_a_bad_url_exit_code_2()
    {
        var unreachable = await FleetBinary.RunAsync(["ps", "--prometheus", $"http://127.0.0.1:{PrometheusServer.FreePort()}"]);
        Assert.Equal(7, unreachable.ExitCode);
        Assert.Contains("cannot reach Prometheus at http://127.0.0.1:", unreachable.StandardError);
        Assert.Empty(unreachable.StandardOutput);

        var bad = await FleetBinary.RunAsync(["ps", "--prometheus", "prometheus:9090"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not an http(s) URL", bad.StandardError);

        var misplaced = await FleetBinary.RunAsync(["ps", "--tenant", "acme"]);
        Assert.Equal(2, misplaced.ExitCode);
        Assert.Contains("--tenant needs --prometheus", misplaced.StandardError);

        // serve refuses the same at start-up, and its /fleet says plainly that Prometheus cannot be asked.
        var refused = await FleetBinary.RunAsync(["serve", "--web.listen-address", "127.0.0.1:0", "--prometheus.url", "ftp://x"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--prometheus.url \"ftp://x\": not an http(s) URL", refused.StandardError);
        using var dir = new TempDirectory();
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", dir.File("none.yaml"), "--prometheus.url", $"http://127.0.0.1:{PrometheusServer.FreePort()}"]);
        using var http = new HttpClient();
        var response = await http.GetAsync(serve.Url + "/fleet");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot reach Prometheus at http://127.0.0.1:", await response.Content.ReadAsStringAsync());
    }
}
