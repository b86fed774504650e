using FleetExporter.Cli.Ps;
using FleetExporter.Heartbeats;
using FleetExporter.Tests.Metrics;
using FleetExporter.Web;

namespace FleetExporter.Tests.Glance;

/// <summary>One word for each heartbeat condition on every surface (ps showed "-" and "bad", the page "missing" and "invalid").</summary>
public sealed class HeartbeatWordTests
{
    [Theory]
    [InlineData("down", "missing")]        // the fixed fleet's agent without a heartbeat file
    [InlineData("dead-pane", "invalid")]   // and the one whose file is not JSON
    public void Ps_and_the_landing_page_say_the_same_word(string agent, string word)
    {
        var fleet = ExpositionGoldenTests.FixedFleet();
        var status = fleet.Agents.Single(a => a.Spec.Name == agent);

        Assert.Equal(word, status.Heartbeat.Word);
        Assert.Equal(word, PsRow.From(fleet).Single(r => r.Agent == agent).Heartbeat);
        Assert.Contains($"<td>{word}</td>", LandingPageRows.Row(status, fleet.Roster.Prices, DateOnly.FromDateTime(fleet.At.UtcDateTime)));
    }
}
