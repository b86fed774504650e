using System.Diagnostics;
using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;
using static FleetExporter.Tests.RealAgents.SendToRealAgentTests;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Two agents of one runtime and one user (one HOME, one CODEX_HOME, one working directory, one `hooks install`
/// without --agent, so the hooks read $FLEET_AGENT), as `init` sets a fleet up: each is acknowledged, works and goes
/// idle as itself. Codex runs with --no-daemon, as `init` writes it: its shared daemon would run both agents' hooks
/// with the first one's $FLEET_AGENT.
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class TwoAgentsTests(ITestOutputHelper output)
{
    [RealAgentFact("claude")]
    public Task Two_Claude_Code_agents_of_one_user_each_report_as_themselves() => EachReportsAsItself(AgentRuntime.Claude, []);

    [RealAgentFact("codex")]
    public Task Two_Codex_agents_of_one_user_each_report_as_themselves() => EachReportsAsItself(AgentRuntime.Codex, ["--no-daemon"]);

    private async Task EachReportsAsItself(AgentRuntime runtime, string[] arguments)
    {
        using var temp = new TempDirectory();
        await using var tmux = new TmuxServer();
        var rosterPath = temp.Write("roster.yaml", $$"""
            heartbeat: { dir: {{temp.File("hb")}}, interval: 1s }
            tmux: { socket_name: {{tmux.SocketName}} }
            send_journal: {{temp.File("sends.jsonl")}}
            agents:
              - { name: x1, runtime: {{runtime.Name}}, hooks: true }
              - { name: x2, runtime: {{runtime.Name}}, hooks: true }
            """);
        var roster = RosterLoader.LoadFile(rosterPath);
        RealAgentOptions Options(string name) => new()
        {
            Session = name,
            UserRoot = temp.File("user"),
            Arguments = arguments,
            Environment = new Dictionary<string, string> { [HookRunner.AgentVariable] = name },
            Prepare = async paths =>
            {
                var r = await FleetBinary.RunAsync(["hooks", "install", runtime.Name, "--settings", paths.HooksSettings(runtime), "--roster", rosterPath,
                    "--command", Path.Combine(AppContext.BaseDirectory, "fleet-exporter")]);
                Assert.True(r.ExitCode == 0, $"hooks install exited {r.ExitCode}: {r.StandardError}");
            },
        };
        await using var x1 = await RealAgent.StartAsync(runtime, tmux, temp, Options("x1"));
        await using var x2 = await RealAgent.StartAsync(runtime, tmux, temp, Options("x2"));
        var join = FleetJoin.CreateDefault();

        var toX2 = await Send(rosterPath, "x2", "hello from the operator to x2");
        Assert.True(Verdict(toX2) == ("acknowledged", 0), $"{toX2.StandardOutput}\n{toX2.StandardError}\nx2:\n{await x2.CaptureAsync()}");
        Assert.NotEqual(HookEvent.Sha256Hex("hello from the operator to x2"), (await Hook(join, roster, "x1"))?.Prompt?.Sha256);

        // x2 works on a slow answer while x1 stays idle; then x1 is acknowledged as itself.
        var slow = await Send(rosterPath, "x2", "SLOW: x2 works on this");
        Assert.True(Verdict(slow) == ("acknowledged", 0), $"{slow.StandardOutput}\n{slow.StandardError}");
        var both = await Until(join, roster, s => s["x2"].State.Name == AgentStateName.Working && s["x1"].State.Name == AgentStateName.Idle,
            "x2 working while x1 is idle");
        output.WriteLine($"x1 {both["x1"].State}, x2 {both["x2"].State}");
        var toX1 = await Send(rosterPath, "x1", "hello from the operator to x1");
        Assert.True(Verdict(toX1) == ("acknowledged", 0), $"{toX1.StandardOutput}\n{toX1.StandardError}\nx1:\n{await x1.CaptureAsync()}");
        await Until(join, roster, s => s["x1"].State.Name == AgentStateName.Idle && s["x2"].State.Name == AgentStateName.Idle, "both idle again", TimeSpan.FromSeconds(40));
        Assert.Equal(HookEvent.Sha256Hex("SLOW: x2 works on this"), (await Hook(join, roster, "x2"))?.Prompt?.Sha256);
        Assert.Equal(HookEvent.Sha256Hex("hello from the operator to x1"), (await Hook(join, roster, "x1"))?.Prompt?.Sha256);
    }

    private static Task<Subprocess.ProcessOutput> Send(string roster, string agent, string message) =>
        FleetBinary.RunAsync(["--roster", roster, "send", agent, message, "--verify", "--json", "--verify-timeout", "30000"]);

    private static async Task<HookReport?> Hook(FleetJoin join, FleetRoster roster, string agent) =>
        (await join.CollectAsync(roster)).Agents.Single(a => a.Spec.Name == agent).Heartbeat.Hook;

    private async Task<IReadOnlyDictionary<string, AgentStatus>> Until(FleetJoin join, FleetRoster roster,
        Func<IReadOnlyDictionary<string, AgentStatus>, bool> condition, string what, TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyDictionary<string, AgentStatus> last = new Dictionary<string, AgentStatus>();
        while (watch.Elapsed < (within ?? TimeSpan.FromSeconds(30)))
        {
            last = (await join.CollectAsync(roster)).Agents.ToDictionary(a => a.Spec.Name);
            if (condition(last)) return last;
            await Task.Delay(100);
        }
        Assert.Fail($"never {what}: " + string.Join("; ", last.Values.Select(a => $"{a.Spec.Name} {a.State} hook {a.Heartbeat.Hook?.Event}")));
        return last;
    }
}
