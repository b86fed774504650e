using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Native;

/// <summary>
/// The native binary (the documented install) behaves as the JIT build beside the tests does: every command, run
/// as an operator, an agent's hook or the service would run it. Reflection, trimming or a start-up that is fast
/// enough to meet a race the JIT build never meets would show here first.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
[RunsLong]
public sealed class NativeBinaryTests(NativeBinary native) : IClassFixture<NativeBinary>
{
    private const int Timeout = 300_000;

    [Fact(Timeout = Timeout)]
    public async Task The_native_binary_prints_the_same_version_and_help_as_the_JIT_build()
    {
        native.Require();
        string[][] commands = [["--version"], ["--help"], ["send", "--help"], ["serve", "--help"]];
        foreach (var args in commands)
        {
            var nativeRun = await native.RunAsync(args);
            var jitRun = await FleetBinary.RunAsync(args);

            Assert.Equal(0, nativeRun.ExitCode);
            Assert.Equal(jitRun.StandardOutput, nativeRun.StandardOutput);
        }
    }

    /// <summary>
    /// fleet-exporter-hook, published beside it, is the same release and parses hook and heartbeat as the exporter
    /// does; it holds only what those reach (a reference that drew the rest in would double its start-up).
    /// </summary>
    [Fact(Timeout = Timeout)]
    public async Task The_hook_binary_is_the_same_release_with_the_same_hook_and_heartbeat_and_a_fraction_of_the_size()
    {
        native.Require();
        Assert.Equal((await native.RunAsync(["--version"])).StandardOutput, (await native.RunHookBinaryAsync(["--version"])).StandardOutput);
        foreach (var command in new[] { "hook", "heartbeat" })
        {
            var hookRun = await native.RunHookBinaryAsync([command, "--help"]);
            var jitRun = await FleetBinary.RunAsync([command, "--help"]);
            Assert.Equal(0, hookRun.ExitCode);
            Assert.Equal(jitRun.StandardOutput, hookRun.StandardOutput.Replace("fleet-exporter-hook ", "fleet-exporter ", StringComparison.Ordinal));
        }
        var serve = await native.RunHookBinaryAsync(["serve"]);
        Assert.Equal(2, serve.ExitCode);

        long hookBytes = new FileInfo(native.HookPath).Length, exporterBytes = new FileInfo(native.Path).Length;
        Assert.True(hookBytes < exporterBytes / 2, $"fleet-exporter-hook is {hookBytes:N0} bytes, fleet-exporter {exporterBytes:N0}");
    }

    [Fact(Timeout = Timeout)]
    public async Task Heartbeat_and_hook_write_what_the_JIT_build_writes()
    {
        native.Require();
        using var nativeDir = new TempDirectory();
        using var jitDir = new TempDirectory();
        const string Event = """{"session_id":"s1","hook_event_name":"PermissionRequest","tool_name":"Bash","cwd":"/tmp"}""";

        using var hookDir = new TempDirectory();
        var nativeBeats = await BeatAsync(nativeDir, (args, env, stdin) => native.RunAsync(args, env, stdin));
        var hookBinaryBeats = await BeatAsync(hookDir, (args, env, stdin) => native.RunHookBinaryAsync(args, env, stdin));
        var jitBeats = await BeatAsync(jitDir, (args, env, stdin) => FleetBinary.RunAsync(args, env: env, stdin: stdin));

        Assert.Equal(jitBeats.ToJsonString(), nativeBeats.ToJsonString());
        Assert.Equal(jitBeats.ToJsonString(), hookBinaryBeats.ToJsonString());
        Assert.Equal("working", nativeBeats["w1"]!["status"]!.GetValue<string>());
        Assert.Equal("waiting", nativeBeats["c1"]!["state"]!.GetValue<string>());

        static async Task<JsonObject> BeatAsync(TempDirectory dir, Func<string[], Dictionary<string, string?>, string?, Task<FleetExporter.Subprocess.ProcessOutput>> run)
        {
            var roster = dir.Write("roster.yaml", $"heartbeat: {{ dir: {dir.File("hb")}, interval: 30s }}\nagents:\n  - {{ name: c1, runtime: claude }}\n  - {{ name: w1, runtime: claude }}\n");
            var env = new Dictionary<string, string?> { ["XDG_STATE_HOME"] = dir.File("state"), ["FLEET_ROSTER"] = null };
            Assert.Equal(0, (await run(["heartbeat", "w1", "--status", "working", "--roster", roster], env, null)).ExitCode);
            var hook = await run(["hook", "c1", "--runtime", "claude", "--roster", roster], env, Event);
            Assert.Equal((0, ""), (hook.ExitCode, hook.StandardOutput));
            Assert.False(File.Exists(dir.File("state/fleet/hook.log")), "the hook logged a problem");
            // What differs by nature between two runs (time, process) is left out; every other field must match.
            var beats = new JsonObject();
            foreach (var agent in new[] { "c1", "w1" })
            {
                var beat = JsonNode.Parse(await File.ReadAllTextAsync(dir.File($"hb/{agent}.hb")))!.AsObject();
                foreach (var field in new[] { "ts", "pid", "state_since" }) beat.Remove(field);
                beats[agent] = beat;
            }
            return beats;
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task Hooks_install_dry_run_shows_what_the_JIT_build_shows()
    {
        native.Require();
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", "agents:\n  - { name: c1, runtime: claude }\n");
        var env = new Dictionary<string, string?> { ["HOME"] = dir.Path, ["FLEET_ROSTER"] = null };
        foreach (var runtime in new[] { "claude", "codex", "gemini", "pi" })
        {
            string[] args = ["hooks", "install", runtime, "--dry-run", "--agent", "c1", "--command", "/opt/fleet-exporter", "--roster", roster];
            var nativeRun = await native.RunAsync(args, env);
            var jitRun = await FleetBinary.RunAsync(args, env: env);

            Assert.Equal(0, nativeRun.ExitCode);
            Assert.Equal((jitRun.StandardOutput, jitRun.StandardError), (nativeRun.StandardOutput, nativeRun.StandardError));
            Assert.Contains("/opt/fleet-exporter", nativeRun.StandardOutput);
        }

        // Without --command, the hooks run the hook binary beside it.
        var picked = await native.RunAsync(["hooks", "install", "claude", "--dry-run", "--agent", "c1", "--roster", roster], env);
        Assert.Equal(0, picked.ExitCode);
        Assert.Contains($"{native.HookPath} hook --runtime claude c1 --roster {roster}", picked.StandardOutput);
    }

    [Fact(Timeout = Timeout)]
    public async Task The_demo_serves_every_state_with_every_source_answering_and_ps_reads_it()
    {
        native.Require();
        await using var demo = await ServeProcess.StartAsync("demo", [], executable: native.Path);
        string metrics = "";
        var ready = await TmuxServer.EventuallyAsync(async () =>
        {
            metrics = await demo.GetAsync("/metrics");
            return Regex.IsMatch(metrics, "fleet_collector_success\\{host=\"[^\"]*\",collector=\"systemd\"\\} 1")
                   && metrics.Contains("agent=\"drifted\",flag=\"DRIFT\"} 1") && metrics.Contains("agent=\"stale\",flag=\"HB-STALE\"} 1")
                   && metrics.Contains("agent=\"asker\",state=\"waiting\"} 1") && metrics.Contains("agent=\"no-boot\",flag=\"BOOT-ENABLE\"} 1");
        }, TimeSpan.FromSeconds(90));
        Assert.True(ready, "the native demo never showed every state with systemd answering:\n" + metrics + demo.Output);
        Assert.DoesNotMatch("fleet_collector_success\\{[^}]*\\} 0", metrics);

        // The banner's own `ps` line, run as printed.
        var line = Regex.Match(demo.Output, @"In a terminal:\s+(?:XDG_RUNTIME_DIR=(\S+) )?\S+ ps --roster (\S+)");
        Assert.True(line.Success, demo.Output);
        var env = new Dictionary<string, string?>();
        if (line.Groups[1].Success) env["XDG_RUNTIME_DIR"] = line.Groups[1].Value;
        var ps = await native.RunAsync(["ps", "--roster", line.Groups[2].Value], env);
        Assert.True(ps.ExitCode == 0, ps.StandardError);
        Assert.True(Regex.IsMatch(ps.StandardOutput, @"(?m)^drifted .* DRIFT\s*$"), ps.StandardOutput);
        // On a loaded machine (the whole suite on two cores) the working no-boot agent's 5 s beat once lagged past
        // 3 intervals: HB-STALE then stands, rightly, beside BOOT-ENABLE (flags are listed DRIFT, BOOT-ENABLE, ...).
        Assert.True(Regex.IsMatch(ps.StandardOutput, @"(?m)^no-boot .* BOOT-ENABLE(?:,HB-STALE)?\s*$"), ps.StandardOutput);

        Assert.Equal(0, await demo.InterruptAsync(TimeSpan.FromSeconds(45)));
    }

    [Fact(Timeout = Timeout)]
    public async Task Serve_with_a_web_config_asks_for_basic_auth()
    {
        native.Require();
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", $"heartbeat: {{ dir: {dir.File("hb")} }}\nagents:\n  - {{ name: a1, runtime: claude }}\n");
        var web = dir.Write("web.yml", $"basic_auth_users:\n  prom: '{BCrypt.Net.BCrypt.HashPassword("s3cret", workFactor: 8)}'\n");
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", roster, "--web.config.file", web], executable: native.Path, basicAuth: "prom:s3cret");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var anonymous = await http.GetAsync(serve.Url + "/metrics");
        using var request = new HttpRequestMessage(HttpMethod.Get, serve.Url + "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prom:s3cret")));
        using var signedIn = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("fleet_agent_info{tenant=\"default\"", await signedIn.Content.ReadAsStringAsync());
    }
}
