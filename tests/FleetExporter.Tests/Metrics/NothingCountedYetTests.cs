using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Usage;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Metrics;

/// <summary>The event counters of an agent whose hooks report but who has counted nothing yet start at 0; nobody else's do.</summary>
public sealed class NothingCountedYetTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static List<SeriesSample> Series(string runtime, bool hooked, bool usageRead = true, UsageReading? usage = null)
    {
        var roster = RosterLoader.Parse($"runtimes:\n  editor: {{ commands: [nano] }}\nagents:\n  - {{ name: a1, runtime: {runtime} }}\n", "r.yaml");
        var hook = hooked ? new HookReport(AgentStateName.Idle, Now, runtime, "SessionStart", null, "s1", null) : null;
        var agent = new AgentStatus(roster.FindAgent("a1")!, "h", null, null, null, null, null,
            new HeartbeatReading(HeartbeatState.Ok, "/hb/a1.hb", null, Now, TimeSpan.Zero, TimeSpan.FromSeconds(30), 1, null, "idle", hook), null, [])
        { Usage = usage };
        var sources = new[] { new SourceHealth(UsageSource.Name, usageRead, usageRead ? null : "failed", TimeSpan.Zero) };
        return [.. FleetSeries.From(new FleetSnapshot(Now, roster, [agent], sources, TimeSpan.Zero))];
    }

    private static double? Value(List<SeriesSample> series, SeriesFamily family, string? outcome = null) =>
        series.SingleOrDefault(s => s.Family == family && (outcome is null || s.LabelValues[^1] == outcome))?.Value;

    [Fact]
    public void A_hooked_agent_without_a_usage_file_has_its_event_counters_at_zero()
    {
        var series = Series("claude", hooked: true);
        Assert.Equal(0, Value(series, FleetSeries.ApiErrors));
        Assert.Equal(0, Value(series, FleetSeries.Turns));
        Assert.All(ToolOutcome.All, o => Assert.Equal(0, Value(series, FleetSeries.ToolCalls, o)));
        Assert.DoesNotContain(series, s => s.Family == FleetSeries.Tokens);
    }

    [Theory]
    [InlineData("claude", false, true)]   // no hook ever reported: 0 would say its hooks work
    [InlineData("claude", true, false)]   // the usage source failed: unknown, not 0
    [InlineData("editor", true, true)]    // a runtime whose usage is not counted
    public void Nobody_else_gets_zeros(string runtime, bool hooked, bool usageRead)
    {
        var series = Series(runtime, hooked, usageRead);
        Assert.Null(Value(series, FleetSeries.ApiErrors));
        Assert.Null(Value(series, FleetSeries.Turns));
    }

    [Fact]
    public void A_usage_file_that_cannot_be_read_is_no_zero_either()
    {
        Assert.Null(Value(Series("claude", hooked: true, usage: new UsageReading(null, "not a usage file")), FleetSeries.ApiErrors));
    }
}
