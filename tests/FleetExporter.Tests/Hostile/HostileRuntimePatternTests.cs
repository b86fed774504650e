using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Processes;
using FleetExporter.Tests.Fleet;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// A roster <c>match</c> pattern that backtracks catastrophically on one process's command line (issue 10, finding 3)
/// runs out of its time limit: that agent's runtime is unknown, and nothing else about the fleet is lost.
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class HostileRuntimePatternTests(SystemdUserManager systemd)
{
    private const int Timeout = 120_000;

    /// <summary>A runtime whose only pattern needs exponential time on a run of a's that does not end the line.</summary>
    internal const string HostileRuntime = "  hostile: { match: ['^(a+)+$'] }";

    /// <summary>The pane's process: <c>sleep</c>, its argv[0] forty a's and a '!'.</summary>
    internal const string HostileScript = "exec bash -c 'exec -a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! sleep 1000'";

    internal static async Task<TestFleet> FleetAsync(SystemdUserManager systemd)
    {
        var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("victim", HostileScript);
        fleet.Script("bystander", "exec sleep 1000");
        await fleet.EnableAsync("victim", "bystander");
        await fleet.StartAsync("victim", "bystander");
        // Both panes run sleep (comm), whatever their argv[0] says.
        await fleet.WaitForRuntimeAsync("victim", "bystander");
        fleet.Roster(Agents, moreRuntimes: HostileRuntime);
        await fleet.BeatAsync("victim");
        await fleet.BeatAsync("bystander");
        return fleet;
    }

    internal static string Agents => "  - { name: victim, runtime: hostile }\n  - { name: bystander, runtime: sleeper }";

    [Fact(Timeout = Timeout)]
    public async Task A_runtime_pattern_that_times_out_leaves_that_agents_runtime_unknown_and_costs_nothing_else()
    {
        await using var fleet = await FleetAsync(systemd);
        var roster = fleet.Roster(Agents, moreRuntimes: HostileRuntime);

        var snapshot = await fleet.CollectAsync(roster);

        Assert.All(snapshot.Sources, s => Assert.True(s.Ok, $"{s.Source}: {s.Error}"));
        var victim = snapshot.Agents.Single(a => a.Spec.Name == "victim");
        Assert.True(victim.SessionPresent);
        Assert.Null(victim.Processes);
        Assert.Contains("^(a+)+$", victim.RuntimeUnknown);
        Assert.Contains("time", victim.RuntimeUnknown);
        Assert.DoesNotContain(AgentFlags.Drift, victim.Flags);
        Assert.Contains(AgentFlags.Drift, AgentFlags.Undecided(victim));
        Assert.Equal(AgentStateName.Unknown, victim.State.Name);
        Assert.Equal("active", victim.Unit!.ActiveState);
        Assert.Equal(HeartbeatState.Ok, victim.Heartbeat.State);

        var bystander = snapshot.Agents.Single(a => a.Spec.Name == "bystander");
        Assert.Null(bystander.RuntimeUnknown);
        Assert.Equal("sleep", bystander.Processes?.Runtime?.Command);
        Assert.Empty(bystander.Flags);
        Assert.Empty(AgentFlags.Undecided(bystander));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_runtime_found_before_the_process_that_times_out_is_still_found()
    {
        using var proc = new TempDirectory();
        proc.Write("stat", "cpu 1 2 3\nbtime 1795000000\n");
        void Add(int pid, string comm, int ppid, params string[] argv)
        {
            proc.Write($"{pid}/stat", $"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194304 167 0 0 0 0 0 0 0 20 0 1 0 0 2990080 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
            proc.Write($"{pid}/cmdline", string.Concat(argv.Select(a => a + "\0")));
        }
        Add(100, "mybot", 1, "mybot");
        Add(101, "sleep", 100, new string('a', 40) + "!", "5");
        var runtime = RosterLoader.Parse("runtimes:\n  r: { commands: [mybot], match: ['^(a+)+$'] }\nagents: []\n", "(test)").Runtimes["r"];

        var result = await Task.Run(() => RuntimeMatcher.Inspect(runtime, ProcessTable.Read(proc.Path), 100));

        Assert.Equal(100, result.Runtime?.Pid);
        Assert.Null(result.Undecided);
        Assert.Equal(["mybot", "sleep"], result.TreeCommands);
    }
}
