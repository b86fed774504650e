using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Fleet;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Sources;

/// <summary>
/// The join runs a constant number of subprocesses whatever the fleet size. systemctl and tmux are given to the
/// sources as counting wrappers (a script that logs one line and execs the real program).
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class SubprocessCountTests(SystemdUserManager systemd)
{
    [Theory(Timeout = 120_000)]
    [InlineData(1, false)]
    [InlineData(50, false)]
    [InlineData(1, true)]
    [InlineData(50, true)]
    public async Task A_join_runs_one_systemctl_and_one_tmux_and_one_more_for_screens_whatever_the_number_of_agents(int agents, bool screens)
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var names = Enumerable.Range(1, agents).Select(i => $"n{i}").ToArray();
        // With screen patterns, every pane draws an idle prompt that only its screen can tell.
        foreach (var n in names) fleet.Script(n, screens ? "printf 'hello\\nready> '; exec sleep 1000" : "exec sleep 1000");
        var roster = fleet.Roster(screens
            ? string.Join("\n", names.Select(n => $"  - {{ name: {n}, runtime: screened }}"))
            : TestFleet.Agents(names));
        await fleet.StartAsync(names);
        // Before the counting wrappers exist, so that the log counts the measured joins alone.
        await fleet.WaitForRuntimeAsync(names);
        var log = fleet.Dir.File("calls.log");
        var systemctl = await CountingAsync(fleet, "systemctl", log);
        var tmux = await CountingAsync(fleet, "tmux", log);
        var join = new FleetJoin(new SystemdSource(TimeProvider.System, systemctl), new TmuxSource(tmux), new ProcessSource(),
            new HeartbeatSource(TimeProvider.System), TimeProvider.System);

        var first = await join.CollectAsync(roster);
        var second = await join.CollectAsync(roster);

        var calls = File.ReadAllLines(log);
        var tmuxPerJoin = screens ? 2 : 1;
        Assert.Equal(2 + 2 * tmuxPerJoin, calls.Length);
        Assert.Equal(2, calls.Count(c => c == "systemctl"));
        Assert.Equal(2 * tmuxPerJoin, calls.Count(c => c == "tmux"));
        foreach (var snapshot in new[] { first, second })
        {
            Assert.All(snapshot.Sources, s => Assert.True(s.Ok, $"{s.Source}: {s.Error}"));
            Assert.Equal(agents, snapshot.Agents.Count);
            Assert.All(snapshot.Agents, a => Assert.Equal(("active", true, true), (a.Unit!.ActiveState, a.SessionPresent, a.Processes?.Runtime is not null)));
            // Without hooks, the screen decides; without screen patterns, nothing can: unknown, never healthy.
            Assert.All(snapshot.Agents, a => Assert.Equal(
                screens ? (AgentStateName.Idle, (StateSource?)StateSource.Pane) : (AgentStateName.Unknown, null),
                (a.State.Name, a.State.Source)));
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData(1)]
    [InlineData(50)]
    public async Task A_join_over_D_Bus_runs_no_systemctl_and_one_tmux_whatever_the_number_of_agents(int agents)
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var names = Enumerable.Range(1, agents).Select(i => $"d{i}").ToArray();
        foreach (var n in names) fleet.Script(n, "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents(names));
        await fleet.StartAsync(names);
        await fleet.WaitForRuntimeAsync(names);
        var log = fleet.Dir.File("calls.log");
        var systemctl = await CountingAsync(fleet, "systemctl", log);
        var tmux = await CountingAsync(fleet, "tmux", log);
        var join = new FleetJoin(new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System, systemctl)), new TmuxSource(tmux),
            new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System);

        var first = await join.CollectAsync(roster);
        var second = await join.CollectAsync(roster);

        var calls = File.ReadAllLines(log);
        Assert.Equal(["tmux", "tmux"], calls);
        foreach (var snapshot in new[] { first, second })
        {
            Assert.All(snapshot.Sources, s => Assert.True(s.Ok, $"{s.Source}: {s.Error}"));
            Assert.Null(snapshot.Sources.Single(s => s.Source == SystemdSource.Name).Note);
            Assert.All(snapshot.Agents, a => Assert.Equal(("active", true), (a.Unit!.ActiveState, a.SessionPresent)));
        }
    }

    private static async Task<string> CountingAsync(TestFleet fleet, string program, string log)
    {
        var real = (await ProcessRunner.RunAsync("sh", ["-c", $"command -v {program}"])).StandardOutput.Trim();
        Assert.True(real.Length > 0, $"{program} not found");
        var path = fleet.Dir.Write($"bin/{program}", $"#!/bin/sh\necho {program} >> {log}\nexec {real} \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
