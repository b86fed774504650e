using FleetExporter.Roster;

namespace FleetExporter.Tests.Roster;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("1m1ms", 60.001)]
    [InlineData("2h0m5s", 7205)]
    public void Prometheus_style_durations_are_read(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("1w")]
    [InlineData("s")]
    [InlineData("1.s")]
    [InlineData("99999999999999999999d")]
    public void Anything_else_is_not_a_duration(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0.25, "250ms")]
    [InlineData(42, "42s")]
    [InlineData(125, "2m05s")]
    [InlineData(3 * 3600 + 7 * 60, "3h07m")]
    [InlineData(2 * 86400 + 5 * 3600, "2d05h")]
    [InlineData(-42, "-42s")]
    public void Spans_are_shown_short(double seconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
    }
}
