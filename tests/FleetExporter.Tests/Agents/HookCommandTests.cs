using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FleetExporter.Agents.Hooks;
using FleetExporter.Heartbeats;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary><c>fleet-exporter hook</c> run as the real binary, as an agent's hook runs it.</summary>
public sealed class HookCommandTests
{
    private const int Timeout = 120_000;

    private sealed class Rig : IDisposable
    {
        public TempDirectory Dir { get; } = new();
        public string Roster { get; }
        public string HbDir => Dir.File("run");
        public string StateHome => Dir.File("state");
        public string HookLog => Path.Combine(StateHome, "fleet", "hook.log");

        public Rig()
        {
            Roster = Dir.Write("roster.yaml", $$"""
                heartbeat: { dir: {{HbDir}}, interval: 30s }
                runtimes:
                  mine:
                    commands: [mine]
                agents:
                  - { name: c1, runtime: claude }
                  - { name: x1, runtime: codex }
                  - { name: m1, runtime: mine }
                """);
        }

        public string HeartbeatFile(string agent) => Path.Combine(HbDir, agent + ".hb");

        public Dictionary<string, string?> Env(string? fleetAgent = null) => new()
        {
            ["XDG_STATE_HOME"] = StateHome,
            ["FLEET_AGENT"] = fleetAgent,
            ["FLEET_ROSTER"] = null,
        };

        public Task<ProcessOutput> HookAsync(string stdin, params string[] args) => HookWithEnvAsync(stdin, null, args);

        public Task<ProcessOutput> HookWithEnvAsync(string stdin, string? fleetAgent, params string[] args) =>
            FleetBinary.RunAsync(["hook", .. args], env: Env(fleetAgent), stdin: stdin);

        public JsonElement Heartbeat(string agent)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(HeartbeatFile(agent)));
            return doc.RootElement.Clone();
        }

        public string[] LogLines() => File.Exists(HookLog) ? File.ReadAllLines(HookLog) : [];

        public void Dispose() => Dir.Dispose();
    }

    private static void AssertQuietSuccess(ProcessOutput r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Equal("", r.StandardOutput);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_UserPromptSubmit_writes_working_and_the_prompts_sha256_and_prints_nothing()
    {
        using var rig = new Rig();
        var prompt = "fix the failing test\nthen run it\nh\u00e9llo \u2713";

        var r = await rig.HookAsync(HookPayloads.Claude("UserPromptSubmit", new { prompt, prompt_id = "p-1", permission_mode = "default" }), "c1", "--roster", rig.Roster);

        AssertQuietSuccess(r);
        Assert.Equal("", r.StandardError);
        var hb = rig.Heartbeat("c1");
        Assert.Equal(1, hb.GetProperty("v").GetInt32());
        Assert.Equal(1, hb.GetProperty("seq").GetInt64());
        Assert.Equal("working", hb.GetProperty("state").GetString());
        Assert.Equal("claude", hb.GetProperty("runtime").GetString());
        Assert.Equal("UserPromptSubmit", hb.GetProperty("event").GetString());
        Assert.Equal(HookPayloads.ClaudeSession, hb.GetProperty("session_id").GetString());
        Assert.Equal("p-1", hb.GetProperty("prompt_id").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new UTF8Encoding(false).GetBytes(prompt))), hb.GetProperty("prompt_sha256").GetString());
        Assert.Equal(new UTF8Encoding(false).GetByteCount(prompt), hb.GetProperty("prompt_bytes").GetInt64());
        var reading = HeartbeatParser.Parse(rig.HeartbeatFile("c1"), File.ReadAllBytes(rig.HeartbeatFile("c1")), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        Assert.Equal(HeartbeatState.Ok, reading.State);
        Assert.Equal(FleetExporter.Agents.State.AgentStateName.Working, reading.Hook!.State);
        Assert.Empty(rig.LogLines());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_turn_moves_the_heartbeat_through_working_waiting_idle_and_stopped_keeping_the_prompt()
    {
        using var rig = new Rig();
        async Task<JsonElement> Fire(string evt, object? extra = null)
        {
            AssertQuietSuccess(await rig.HookAsync(HookPayloads.Claude(evt, extra), "c1", "--roster", rig.Roster));
            return rig.Heartbeat("c1");
        }

        var submitted = await Fire("UserPromptSubmit", new { prompt = "touch x", prompt_id = "p-7" });
        var asked = await Fire("PermissionRequest", new { tool_name = "Bash", tool_input = new { command = "touch x" } });
        var stopped = await Fire("Stop", new { prompt_id = "p-7", last_assistant_message = "Done." });
        var ended = await Fire("SessionEnd", new { reason = "prompt_input_exit" });

        Assert.Equal("working", submitted.GetProperty("state").GetString());
        Assert.Equal("waiting", asked.GetProperty("state").GetString());
        Assert.Equal("idle", stopped.GetProperty("state").GetString());
        Assert.Equal("stopped", ended.GetProperty("state").GetString());
        Assert.Equal("prompt_input_exit", ended.GetProperty("event_detail").GetString());
        Assert.Equal(4, ended.GetProperty("seq").GetInt64());
        Assert.Equal(submitted.GetProperty("prompt_sha256").GetString(), ended.GetProperty("prompt_sha256").GetString());
        Assert.Equal("p-7", ended.GetProperty("prompt_id").GetString());
        Assert.True(stopped.GetProperty("state_since").GetDouble() > asked.GetProperty("state_since").GetDouble());
    }

    /// <summary>A hook.log that is a FIFO (no reader) blocked the hook, and with it the agent's turn, forever.</summary>
    [Fact(Timeout = Timeout)]
    public async Task A_hook_log_that_is_a_FIFO_costs_the_hook_nothing()
    {
        using var rig = new Rig();
        Directory.CreateDirectory(Path.GetDirectoryName(rig.HookLog)!);
        var mkfifo = await ProcessRunner.RunAsync("mkfifo", [rig.HookLog]);
        Assert.Equal(0, mkfifo.ExitCode);
        var watch = Stopwatch.StartNew();

        var r = await rig.HookWithEnvAsync(HookPayloads.Claude("Stop"), "nobody", "--runtime", "claude", "--roster", rig.Roster);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("unknown agent", r.StandardError);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    /// <summary>$FLEET_AGENT goes into stderr and hook.log: a newline in it must not forge a line, nor an ESC reach a terminal.</summary>
    [Fact(Timeout = Timeout)]
    public async Task An_agent_name_with_a_newline_or_an_escape_cannot_forge_a_log_line()
    {
        using var rig = new Rig();

        var r = await rig.HookWithEnvAsync(HookPayloads.Claude("Stop"), "evil\n2026-01-01T00:00:00.000Z agent=c1 forged\u001b[31m", "--runtime", "claude", "--roster", rig.Roster);

        Assert.Equal(0, r.ExitCode);
        var line = Assert.Single(rig.LogLines());
        Assert.Contains("evil\\x0a2026-01-01", line);
        Assert.DoesNotContain("\u001b", line);
        Assert.DoesNotContain("\u001b", r.StandardError);
    }

    /// <summary>
    /// Codex's shared daemon (`codex app-server`) runs every Codex agent's hooks with the environment of the agent that
    /// started it: a hook it runs writes nothing under $FLEET_AGENT's name and says why. Here a real process whose first
    /// argument is app-server (a python script of that name) runs the hook, as the daemon would.
    /// </summary>
    [Fact(Timeout = Timeout)]
    public async Task A_hook_run_by_a_shared_daemon_does_not_report_as_the_agent_in_its_environment()
    {
        using var rig = new Rig();
        var daemon = rig.Dir.Write("app-server", """
            import subprocess, sys
            sys.exit(subprocess.run(sys.argv[1:], input=sys.stdin.buffer.read()).returncode)
            """);
        var env = rig.Env("x1");
        // Started from its folder, so that its command line is "python3 app-server ...", as the daemon's is "codex app-server ...".
        var r = await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec python3 app-server \"$@\"", rig.Dir.Path,
                FleetBinary.DotnetHost, FleetBinary.Dll, "hook", "--runtime", "codex", "--roster", rig.Roster],
            TimeSpan.FromSeconds(60), env, HookPayloads.Codex("UserPromptSubmit", new { prompt = "for x2", turn_id = "t1" }));
        var direct = await rig.HookWithEnvAsync(HookPayloads.Codex("UserPromptSubmit", new { prompt = "for x1", turn_id = "t2" }), "x1", "--runtime", "codex", "--roster", rig.Roster);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StandardOutput);
        Assert.Contains("shared daemon", r.StandardError);
        Assert.Contains(rig.LogLines(), l => l.Contains("--no-daemon", StringComparison.Ordinal));
        Assert.Equal(0, direct.ExitCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("for x1"))), rig.Heartbeat("x1").GetProperty("prompt_sha256").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task The_agent_comes_from_FLEET_AGENT_when_no_argument_names_it_and_runtime_from_the_option()
    {
        using var rig = new Rig();

        var r = await rig.HookWithEnvAsync(HookPayloads.Codex("UserPromptSubmit", new { prompt = "hi", turn_id = "t-1" }), "x1", "--runtime", "codex", "--roster", rig.Roster);

        AssertQuietSuccess(r);
        var hb = rig.Heartbeat("x1");
        Assert.Equal("working", hb.GetProperty("state").GetString());
        Assert.Equal("t-1", hb.GetProperty("prompt_id").GetString());
        Assert.False(File.Exists(rig.HeartbeatFile("c1")));
    }

    [Fact(Timeout = Timeout)]
    public async Task The_runtime_option_overrides_the_rosters_runtime()
    {
        using var rig = new Rig();

        var r = await rig.HookAsync(HookPayloads.Pi("input", new { text = "hi", source = "interactive" }), "m1", "--runtime", "pi", "--roster", rig.Roster);

        AssertQuietSuccess(r);
        var hb = rig.Heartbeat("m1");
        Assert.Equal("pi", hb.GetProperty("runtime").GetString());
        Assert.Equal("working", hb.GetProperty("state").GetString());
        Assert.Equal("seq-1", hb.GetProperty("prompt_id").GetString());
    }

    public static TheoryData<string, string[], string?, string, string> Failures => new()
    {
        // name, args (ROSTER stands for the rig's roster), $FLEET_AGENT, stdin, what stderr and the log mention
        { "no agent", ["--roster", "ROSTER"], null, HookPayloads.Claude("Stop"), "no agent" },
        { "unknown agent", ["nobody", "--roster", "ROSTER"], null, HookPayloads.Claude("Stop"), "nobody" },
        { "unknown agent from the environment", ["--roster", "ROSTER"], "ghost", HookPayloads.Claude("Stop"), "ghost" },
        { "missing roster", ["c1", "--roster", "/nonexistent/roster.yaml"], null, HookPayloads.Claude("Stop"), "/nonexistent/roster.yaml" },
        { "bad roster", ["c1", "--roster", "BADROSTER"], null, HookPayloads.Claude("Stop"), "interval" },
        { "stdin not JSON", ["c1", "--roster", "ROSTER"], null, "this is not json\n", "JSON" },
        { "stdin empty", ["c1", "--roster", "ROSTER"], null, "", "stdin" },
        { "no event name", ["c1", "--roster", "ROSTER"], null, """{"session_id":"s"}""", "hook_event_name" },
        { "unknown runtime option", ["c1", "--runtime", "cobol", "--roster", "ROSTER"], null, HookPayloads.Claude("Stop"), "cobol" },
        { "runtime without an event map", ["m1", "--roster", "ROSTER"], null, HookPayloads.Claude("Stop"), "mine" },
        { "unknown option", ["c1", "--bogus", "--roster", "ROSTER"], null, HookPayloads.Claude("Stop"), "--bogus" },
        { "unknown option after a leading roster option", ["--roster", "ROSTER", "hook", "c1", "--bogus"], null, HookPayloads.Claude("Stop"), "--bogus" },
    };

    [Theory(Timeout = Timeout)]
    [MemberData(nameof(Failures))]
    public async Task Each_failure_exits_0_prints_nothing_on_stdout_says_why_on_stderr_and_in_the_hook_log_and_leaves_the_heartbeat(
        string name, string[] args, string? fleetAgent, string stdin, string mentions)
    {
        using var rig = new Rig();
        var badRoster = rig.Dir.Write("bad.yaml", "heartbeat: { interval: often }\nagents: []\n");
        var resolved = args.Select(a => a == "ROSTER" ? rig.Roster : a == "BADROSTER" ? badRoster : a).ToArray();
        // A heartbeat the failing hook must leave as it is.
        Directory.CreateDirectory(rig.HbDir);
        var before = """{"v":1,"ts":1795470000,"seq":5,"state":"idle"}""" + "\n";
        foreach (var agent in new[] { "c1", "m1" }) File.WriteAllText(rig.HeartbeatFile(agent), before);

        var r = resolved.FirstOrDefault() == "--roster" && resolved.Contains("hook")
            ? await FleetBinary.RunAsync(resolved, env: rig.Env(fleetAgent), stdin: stdin)
            : await rig.HookWithEnvAsync(stdin, fleetAgent, resolved);

        Assert.True(r.ExitCode == 0, $"{name}: exit {r.ExitCode}: {r.StandardError}");
        Assert.Equal("", r.StandardOutput);
        Assert.Contains(mentions, r.StandardError);
        var log = Assert.Single(rig.LogLines());
        Assert.Contains(mentions, log);
        Assert.Equal(before, File.ReadAllText(rig.HeartbeatFile("c1")));
        Assert.Equal(before, File.ReadAllText(rig.HeartbeatFile("m1")));
        Assert.Equal(["c1.hb", "m1.hb"], Directory.GetFiles(rig.HbDir).Select(Path.GetFileName).Order());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_stdin_that_never_closes_is_given_up_within_3_seconds()
    {
        using var rig = new Rig();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { FleetBinary.Dll, "hook", "c1", "--roster", rig.Roster }) start.ArgumentList.Add(a);
        foreach (var (k, v) in rig.Env()) start.Environment[k] = v;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Half an event, and the writing end held open for as long as the test runs.
        await process.StandardInput.WriteAsync("""{"session_id":"s","hook_event_name":"Sto""");
        await process.StandardInput.FlushAsync();

        var exited = await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(15)));
        var elapsed = watch.Elapsed;
        if (!exited) process.Kill(entireProcessTree: true);

        Assert.True(exited, "the hook waited for stdin to close");
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"took {elapsed}");
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", await stdout);
        Assert.Contains("stdin", await stderr);
        Assert.Contains("stdin", Assert.Single(rig.LogLines()));
        Assert.False(File.Exists(rig.HeartbeatFile("c1")));
    }

    [Fact(Timeout = Timeout)]
    public async Task Twenty_concurrent_hooks_of_one_agent_leave_a_valid_heartbeat_with_seq_20()
    {
        using var rig = new Rig();
        var tools = Enumerable.Range(0, 20)
            .Select(i => HookPayloads.Claude(i % 2 == 0 ? "PreToolUse" : "PostToolUse", new { tool_name = "Bash", tool_use_id = $"toolu_{i:00}" }))
            .ToList();

        // The claim is that the lock orders the 20 read-modify-writes, not that they all fit in the default 2 s
        // patience: on a loaded host 20 process start-ups can take longer, and then a beat is lost by design.
        var env = rig.Env();
        env[HookRunner.LockPatienceVariable] = "60s";
        var results = await Task.WhenAll(tools.Select(payload => FleetBinary.RunAsync(["hook", "c1", "--roster", rig.Roster], env: env, stdin: payload)));

        Assert.All(results, AssertQuietSuccess);
        var file = rig.HeartbeatFile("c1");
        var reading = HeartbeatParser.Parse(file, File.ReadAllBytes(file), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        Assert.Equal(HeartbeatState.Ok, reading.State);
        Assert.Equal(20, reading.Seq);
        Assert.Equal(FleetExporter.Agents.State.AgentStateName.Working, reading.Hook!.State);
        Assert.Empty(rig.LogLines());
        Assert.DoesNotContain(Directory.GetFiles(rig.HbDir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_lock_held_forever_by_someone_else_delays_the_hook_only_for_its_patience_and_its_dropped_update_is_logged()
    {
        using var rig = new Rig();
        Directory.CreateDirectory(rig.HbDir);
        // The same advisory lock the hook takes (flock, FileShare.None), held for the whole test.
        using var held = new FileStream(Path.Combine(rig.HbDir, ".c1.hb.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var env = rig.Env();
        env[HookRunner.LockPatienceVariable] = "2s";
        var watch = Stopwatch.StartNew();

        var r = await FleetBinary.RunAsync(["hook", "c1", "--roster", rig.Roster], env: env, stdin: HookPayloads.Claude("Stop"));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StandardOutput);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(1), $"took {watch.Elapsed}: the hook did not wait for the lock at all");
        Assert.False(File.Exists(rig.HeartbeatFile("c1")), "written without the lock");
        Assert.Contains(rig.LogLines(), l => l.Contains("Stop: the heartbeat lock was not free within 2 s; this update is dropped", StringComparison.Ordinal));
    }

    /// <summary>A load test (fifty processes on two cores take 20 s), so among the slow ones; twenty at once run in the fast subset.</summary>
    [Fact(Timeout = Timeout)]
    [Trait(Speed.Trait, Speed.Slow)]
    public async Task Fifty_concurrent_hooks_of_one_agent_with_the_default_patience_each_apply_their_update_or_log_that_they_may_not_have()
    {
        using var rig = new Rig();
        var tools = Enumerable.Range(0, 50)
            .Select(i => HookPayloads.Claude(i % 2 == 0 ? "PreToolUse" : "PostToolUse", new { tool_name = "Bash", tool_use_id = $"toolu_{i:00}" }))
            .ToList();

        var results = await Task.WhenAll(tools.Select(payload => rig.HookAsync(payload, "c1", "--roster", rig.Roster)));

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        var file = rig.HeartbeatFile("c1");
        var reading = HeartbeatParser.Parse(file, File.ReadAllBytes(file), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        Assert.Equal(HeartbeatState.Ok, reading.State);
        // seq counts the applied updates; each other one was dropped, and logged as such.
        var logged = rig.LogLines().Count(l => l.Contains("the heartbeat lock was not free", StringComparison.Ordinal));
        Assert.True(reading.Seq + logged == 50, $"seq {reading.Seq} of 50 updates, {logged} logged: {string.Join('\n', rig.LogLines())}");
        Assert.Equal(rig.LogLines().Length, logged);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_lock_patience_that_is_no_duration_is_logged_and_the_hook_still_writes()
    {
        using var rig = new Rig();
        var env = rig.Env();
        env[HookRunner.LockPatienceVariable] = "forever";

        var r = await FleetBinary.RunAsync(["hook", "c1", "--roster", rig.Roster], env: env, stdin: HookPayloads.Claude("Stop"));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StandardOutput);
        Assert.Contains("FLEET_HOOK_LOCK_PATIENCE=\"forever\" is not a duration", r.StandardError);
        Assert.Contains(rig.LogLines(), l => l.Contains("FLEET_HOOK_LOCK_PATIENCE", StringComparison.Ordinal));
        Assert.Equal("idle", rig.Heartbeat("c1").GetProperty("state").GetString());
    }
}
