using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary>The start beat: it replaces an earlier run's report, never one of this run, and vouches only for its own pane, for a while.</summary>
public sealed class StartBeatTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_470_000);

    private static (FleetRoster Roster, AgentSpec Spec) Roster(TempDirectory dir)
    {
        var roster = RosterLoader.Parse($$"""
            heartbeat: { dir: {{dir.File("hb")}} }
            agents: [ { name: a1, runtime: claude } ]
            """, dir.File("roster.yaml"));
        return (roster, roster.FindAgent("a1")!);
    }

    [Fact]
    public void An_earlier_runs_report_is_dropped_and_the_sequence_goes_on()
    {
        using var dir = new TempDirectory();
        var (roster, spec) = Roster(dir);
        HeartbeatWriter.Write(roster.Heartbeat.FileFor("a1"), Now.AddMinutes(-10), null, 7, "working", 40,
            new HookReport(AgentStateName.Working, Now.AddMinutes(-10), "claude", "UserPromptSubmit", null, "s", null));

        Assert.NotNull(StartBeat.Write(roster, spec, 4242, processStarted: Now.AddSeconds(-1), new FixedClock(Now)));

        var reading = new HeartbeatSource(new FixedClock(Now)).Read(roster.Heartbeat.FileFor("a1"), spec.HeartbeatInterval);
        Assert.Equal((HeartbeatState.Ok, 42L, 4242, StartBeat.Status), (reading.State, reading.Seq!.Value, reading.Pid!.Value, reading.Status));
        Assert.Null(reading.Hook);
    }

    [Fact]
    public void A_report_this_run_already_wrote_is_kept()
    {
        using var dir = new TempDirectory();
        var (roster, spec) = Roster(dir);
        var file = roster.Heartbeat.FileFor("a1");
        HeartbeatWriter.Write(file, Now.AddSeconds(-1), null, 7, "idle", 3,
            new HookReport(AgentStateName.Idle, Now.AddSeconds(-1), "claude", "SessionStart", null, "s", null));
        var before = File.ReadAllText(file);

        Assert.Null(StartBeat.Write(roster, spec, 4242, processStarted: Now.AddSeconds(-2), new FixedClock(Now)));
        Assert.Equal(before, File.ReadAllText(file));
    }

    [Theory]
    [InlineData(4242, 5, true)]
    [InlineData(4242, 30, true)]
    [InlineData(4242, 31, false)]
    [InlineData(1, 5, false)]
    public void Only_this_panes_start_beat_within_the_grace_says_starting(int beatPid, int ageSeconds, bool starting)
    {
        var reading = new HeartbeatReading(HeartbeatState.Ok, "/hb/a1.hb", null, Now.AddSeconds(-ageSeconds), TimeSpan.FromSeconds(ageSeconds),
            TimeSpan.FromSeconds(30), 1, beatPid, StartBeat.Status);

        Assert.Equal(starting, StartBeat.Starting(reading, 4242) is not null);
        Assert.Null(StartBeat.Starting(reading with { Status = "idle" }, 4242));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
