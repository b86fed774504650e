using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// A client cannot widen the exporter's time: one request with a 300 s scrape timeout, while the systemd manager
/// hung, held every scrape (503) and the landing page for five minutes, since they share the collection in flight.
/// </summary>
public sealed class ScrapeBudgetTests
{
    [Theory]
    [InlineData("300", 9.5)]
    [InlineData("1e308", 9.5)]
    [InlineData("10", 9.5)]
    [InlineData("4", 3.5)]
    [InlineData("0.2", 0.5)]
    [InlineData(null, 10)]
    [InlineData("NaN", 10)]
    [InlineData("-5", 10)]
    public void The_header_is_clamped_to_the_default_budget(string? header, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ScrapeBudget.FromHeader(header));
    }
}
