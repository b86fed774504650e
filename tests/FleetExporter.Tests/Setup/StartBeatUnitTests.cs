using System.Text.Json.Nodes;
using FleetExporter.Setup;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Setup;

/// <summary>
/// The start beat of the shipped agent unit under a real user manager: a fresh agent has a heartbeat before any hook
/// fires, a restart forgets the previous run's report and age, and a wrapper that takes a while to start the runtime
/// reads as starting (unknown, never healthy), not DRIFT, then as itself once the runtime runs.
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class StartBeatUnitTests(SystemdUserManager systemd)
{
    private const int Timeout = 180_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static string Roster(TempDirectory dir, UnitLayout layout) => $$"""
        heartbeat: { dir: {{dir.File("hb")}}, interval: 60s }
        systemd: { unit_template: "{{layout.AgentUnit("{name}")}}", linger_dir: {{dir.Path}} }
        tmux: { socket_name: {{layout.TmuxServer[1]}} }
        runtimes: { catter: { commands: [cat] } }
        agents:
          - { name: slowstart, runtime: catter }
        """;

    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
    [Fact(Timeout = Timeout)]
    public async Task A_restarted_agent_behind_a_slow_wrapper_is_starting_then_itself_never_DRIFT_HB_STALE_or_HB_MISSING()
    {
        systemd.Require();
        // The wrapper takes 6 s before the runtime (cat) runs, as npx or a setup script would.
        await using var fleet = await UnitFleet.InstallAsync(systemd, "startbeat", "sleep 6; exec cat", Roster, "slowstart");
        var roster = fleet.Dir.File("roster.yaml");
        var heartbeat = fleet.Dir.File("hb/slowstart.hb");
        // The previous run's last word: working, ten minutes ago (HB-STALE, and a working agent, if it were kept).
        var old = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        fleet.Dir.Write("hb/slowstart.hb",
            $$"""{"v":1,"ts":{{old}},"interval_s":60,"seq":41,"pid":1,"status":"working","state":"working","state_since":{{old}},"event":"UserPromptSubmit"}""" + "\n");

        await fleet.StartAsync("slowstart");
        Assert.True(await TmuxServer.EventuallyAsync(() => fleet.AllUpAsync("slowstart"), Bound), "the agent never came up");
        var panePid = (await fleet.PanePidAsync("slowstart"))!.Value;
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.ReadAllText(heartbeat).Contains("\"started\"", StringComparison.Ordinal)), Bound),
            $"no start beat: {File.ReadAllText(heartbeat)}\n{(await systemd.SystemctlAsync("status", "--no-pager", "-n", "20", fleet.Unit("slowstart"))).StandardOutput}");

        var beat = JsonNode.Parse(File.ReadAllText(heartbeat))!;
        Assert.Equal(panePid, beat["pid"]!.GetValue<int>());
        Assert.Equal(42, beat["seq"]!.GetValue<int>());
        Assert.Null(beat["state"]);
        Assert.Null(beat["event"]);

        var starting = await PsAsync(roster);
        // BOOT-ENABLE only: the test's unit is not enabled; nothing about the start.
        Assert.True(Flags(starting) == "BOOT-ENABLE", starting.ToJsonString());
        Assert.Contains("starting", starting["unknown"]!["runtime"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual("working", starting["state"]!["name"]!.GetValue<string>());

        // Once the runtime runs, the agent is itself: no DRIFT, nothing unknown about its runtime.
        JsonNode? running = null;
        Assert.True(await TmuxServer.EventuallyAsync(async () => (running = await PsAsync(roster))["process"]?["runtime_command"]?.GetValue<string>() == "cat", Bound),
            running?.ToJsonString());
        Assert.True(Flags(running!) == "BOOT-ENABLE", running!.ToJsonString());
        Assert.Null(running["unknown"]?["runtime"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_without_its_runtime_is_DRIFT_once_the_start_grace_is_over_or_when_no_start_beat_names_it()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "startdrift", "exec sleep 100000", Roster, "slowstart");
        var roster = fleet.Dir.File("roster.yaml");
        await fleet.StartAsync("slowstart");
        Assert.True(await TmuxServer.EventuallyAsync(() => fleet.AllUpAsync("slowstart"), Bound), "the agent never came up");
        var heartbeat = fleet.Dir.File("hb/slowstart.hb");
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(heartbeat)), Bound), "no start beat");

        // A start beat of another process (a previous pane) is no evidence for this one.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        fleet.Dir.Write("hb/slowstart.hb", $$"""{"v":1,"ts":{{now}},"interval_s":60,"seq":1,"pid":1,"status":"started"}""" + "\n");
        Assert.Contains("DRIFT", (await PsAsync(roster))["flags"]!.AsArray().Select(f => f!.GetValue<string>()));

        // This pane's start beat, older than the grace.
        var panePid = (await fleet.PanePidAsync("slowstart"))!.Value;
        fleet.Dir.Write("hb/slowstart.hb", $$"""{"v":1,"ts":{{now - 31}},"interval_s":60,"seq":2,"pid":{{panePid}},"status":"started"}""" + "\n");
        Assert.Contains("DRIFT", (await PsAsync(roster))["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    private static string Flags(JsonNode agent) => string.Join(',', agent["flags"]!.AsArray().Select(f => f!.GetValue<string>()));

    private static async Task<JsonNode> PsAsync(string roster)
    {
        var ps = await InProcessCli.RunOrSpawnAsync(["ps", "--json", "--roster", roster]);
        Assert.True(ps.ExitCode is 0 or 6, ps.StandardError);
        return JsonNode.Parse(ps.StandardOutput)!.AsArray().Single()!;
    }
}
