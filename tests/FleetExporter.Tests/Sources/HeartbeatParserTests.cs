using System.Globalization;
using System.Text;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Tests.Sources;

public sealed class HeartbeatParserTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_470_000);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static HeartbeatReading Parse(string content, TimeSpan? interval = null) =>
        HeartbeatParser.Parse("/run/a.hb", Encoding.UTF8.GetBytes(content), Now, interval ?? Interval);

    private static string Ts(double secondsAgo) =>
        (Now.ToUnixTimeMilliseconds() / 1000.0 - secondsAgo).ToString("0.###", CultureInfo.InvariantCulture);

    [Fact]
    public void A_full_v1_heartbeat_is_read()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(12.5)}},"interval_s":10,"seq":41,"pid":1234,"status":"working"}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.Null(r.Problem);
        Assert.Equal(Now.AddSeconds(-12.5), r.Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(12.5), r.Age);
        Assert.Equal(TimeSpan.FromSeconds(10), r.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), r.Threshold);
        Assert.Equal((41L, 1234, "working"), (r.Seq, r.Pid, r.Status));
        Assert.False(r.Stale);
    }

    [Fact]
    public void The_minimal_heartbeat_takes_the_roster_interval()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(5)}}}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.Equal(Interval, r.Interval);
        Assert.Null(r.Seq);
        Assert.Null(r.Pid);
        Assert.Null(r.Status);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var r = Parse($$$"""{"v":1,"ts":{{{Ts(5)}}},"model":"x","nested":{"a":[1,2]}}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
    }

    [Fact]
    public void Age_exactly_three_intervals_is_healthy()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(90)}}}""");

        Assert.Equal(TimeSpan.FromSeconds(90), r.Age);
        Assert.False(r.Stale);
    }

    [Fact]
    public void Age_just_over_three_intervals_is_stale()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(90.001)}}}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.True(r.Stale);
    }

    [Fact]
    public void The_files_interval_overrides_the_rosters()
    {
        var shorter = Parse($$"""{"v":1,"ts":{{Ts(5)}},"interval_s":1}""");
        var longer = Parse($$"""{"v":1,"ts":{{Ts(600)}},"interval_s":300}""");

        Assert.True(shorter.Stale);
        Assert.Equal(TimeSpan.FromSeconds(3), shorter.Threshold);
        Assert.False(longer.Stale);
    }

    [Fact]
    public void A_timestamp_a_few_seconds_ahead_is_clock_skew_of_age_zero()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(-10)}}}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.Equal(TimeSpan.Zero, r.Age);
    }

    [Fact]
    public void A_timestamp_more_than_ten_seconds_ahead_is_invalid()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(-10.5)}}}""");

        Assert.Equal(HeartbeatState.Invalid, r.State);
        Assert.Contains("future", r.Problem);
        Assert.False(r.Stale);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"v\":1,\"ts\":17954", "not JSON")]
    [InlineData("not json at all", "not JSON")]
    [InlineData("v=1 ts=1795470000", "not JSON")]
    [InlineData("[{\"v\":1,\"ts\":1795470000}]", "not a JSON object")]
    [InlineData("1795470000", "not a JSON object")]
    [InlineData("null", "not a JSON object")]
    [InlineData("{\"ts\":1795470000}", "\"v\"")]
    [InlineData("{\"v\":\"1\",\"ts\":1795470000}", "\"v\"")]
    [InlineData("{\"v\":2,\"ts\":1795470000}", "version 2")]
    [InlineData("{\"v\":1}", "\"ts\"")]
    [InlineData("{\"v\":1,\"ts\":\"1795470000\"}", "\"ts\"")]
    [InlineData("{\"v\":1,\"ts\":-5}", "\"ts\"")]
    [InlineData("{\"v\":1,\"ts\":0}", "\"ts\"")]
    [InlineData("{\"v\":1,\"ts\":1795470000000}", "\"ts\"")]
    [InlineData("{\"v\":1,\"ts\":1795470000,\"interval_s\":0}", "interval_s")]
    [InlineData("{\"v\":1,\"ts\":1795470000,\"interval_s\":\"30\"}", "interval_s")]
    [InlineData("{\"v\":1,\"ts\":1795470000}{\"v\":1,\"ts\":1795470000}", "not JSON")]
    public void Garbage_is_invalid_and_says_why(string content, string why)
    {
        var r = Parse(content);

        Assert.Equal(HeartbeatState.Invalid, r.State);
        Assert.Contains(why, r.Problem);
        Assert.Null(r.Age);
        Assert.False(r.Stale);
    }

    [Fact]
    public void Deeply_nested_json_is_invalid_not_a_crash()
    {
        var r = Parse("{\"v\":1,\"ts\":1795470000,\"x\":" + new string('[', 100) + new string(']', 100) + "}");

        Assert.Equal(HeartbeatState.Invalid, r.State);
    }

    [Fact]
    public void A_file_over_64_KiB_is_invalid_even_when_it_is_valid_json()
    {
        var padding = new string(' ', HeartbeatParser.MaxBytes);
        var r = Parse($$"""{"v":1,"ts":{{Ts(1)}}}""" + padding);

        Assert.Equal(HeartbeatState.Invalid, r.State);
        Assert.Contains("65536", r.Problem);
    }

    [Fact]
    public void A_file_of_exactly_64_KiB_is_read()
    {
        var json = $$"""{"v":1,"ts":{{Ts(1)}}}""";
        var r = Parse(json + new string(' ', HeartbeatParser.MaxBytes - json.Length));

        Assert.Equal(HeartbeatState.Ok, r.State);
    }

    [Fact]
    public void A_long_status_is_cut_to_200_characters()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts(1)}},"status":"{{new string('x', 500)}}"}""");

        Assert.Equal(201, r.Status!.Length);
        Assert.EndsWith("…", r.Status);
    }
    [Fact]
    public void A_heartbeat_that_starts_with_a_utf8_byte_order_mark_is_read()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($$"""{"v":1,"ts":{{Ts(5)}}}""")).ToArray();

        var r = HeartbeatParser.Parse("/run/a.hb", bytes, Now, Interval);

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.Null(r.Problem);
    }

    [Fact]
    public void A_version_written_as_1_0_is_version_1()
    {
        var r = Parse($$"""{"v":1.0,"ts":{{Ts(5)}}}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
    }

    [Theory]
    [InlineData("1.5", "\"v\" is not an integer")]
    [InlineData("\"1\"", "missing \"v\"")]
    [InlineData("2.0", "unsupported protocol version 2")]
    public void A_version_that_is_not_the_integer_1_is_refused_saying_why(string v, string problem)
    {
        var r = Parse($$"""{"v":{{v}},"ts":{{Ts(5)}}}""");

        Assert.Equal(HeartbeatState.Invalid, r.State);
        Assert.Contains(problem, r.Problem);
    }

    [Fact]
    public void A_heartbeat_directory_that_is_a_regular_file_is_invalid_and_says_so()
    {
        using var dir = new FleetExporter.Tests.Infrastructure.TempDirectory();
        var notADirectory = dir.Write("run", "a file where the heartbeat directory should be");

        var r = new HeartbeatSource(TimeProvider.System).Read(Path.Combine(notADirectory, "a.hb"), Interval);

        Assert.Equal(HeartbeatState.Invalid, r.State);
        Assert.Contains($"heartbeat directory {notADirectory} is not a directory", r.Problem);
    }
}
