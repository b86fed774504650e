using System.Text.Json;
using FleetExporter.Logging;
using FleetExporter.Web.SystemdService;
using Microsoft.Extensions.Logging;

namespace FleetExporter.Tests.Logging;

/// <summary>Log records as promslog writes them (logfmt and json), and LISTEN_FDS read as sd_listen_fds reads it.</summary>
public sealed class LogLineTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 1, 234, TimeSpan.FromHours(2));

    private static IReadOnlyList<KeyValuePair<string, object?>> Fields(params (string, object?)[] pairs) =>
        [.. pairs.Select(p => new KeyValuePair<string, object?>(p.Item1, p.Item2)), new("{OriginalFormat}", "ignored")];

    [Fact]
    public void Logfmt_writes_the_promslog_keys_in_order_and_quotes_only_what_needs_it()
    {
        var line = LogLine.Format(LogFormat.Logfmt, At, LogLevel.Warning, "serve", "no roster at /x y",
            Fields(("RosterPath", "/x y"), ("Agents", 3), ("DurationSeconds", 0.25), ("Quoted", "say \"hi\"\nbye"), ("Empty", "")), null);

        Assert.Equal("ts=2026-11-27T10:00:01.234Z level=warn logger=serve msg=\"no roster at /x y\" roster_path=\"/x y\" agents=3 duration_seconds=0.25 " +
            "quoted=\"say \\\"hi\\\"\\nbye\" empty=\"\"", line);
    }

    [Fact]
    public void Json_is_one_object_whose_keys_cannot_collide_with_the_reserved_ones()
    {
        var line = LogLine.Format(LogFormat.Json, At, LogLevel.Error, "FleetExporter.Web", "request failed",
            Fields(("Level", "mine"), ("Elapsed", TimeSpan.FromMilliseconds(1500))), new InvalidOperationException("boom"));

        using var json = JsonDocument.Parse(line);
        var keys = json.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToList();
        Assert.Equal([("ts", "2026-11-27T10:00:01.234Z"), ("level", "error"), ("logger", "FleetExporter.Web"), ("msg", "request failed"),
            ("logged_level", "mine"), ("elapsed", "1.5s"), ("err", "InvalidOperationException: boom")], keys);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData(LogLevel.Trace, "debug")]
    [InlineData(LogLevel.Debug, "debug")]
    [InlineData(LogLevel.Information, "info")]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Critical, "error")]
    public void Levels_are_written_with_promslog_s_four_names(LogLevel level, string name) => Assert.Equal(name, LogOptions.LevelName(level));

    [Theory]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("warning", null)]
    public void Level_names_are_read_as_promslog_reads_them(string name, LogLevel? level) => Assert.Equal(level, LogOptions.ParseLevel(name));

    [Theory]
    [InlineData("4242", "2", 4242, new[] { 3, 4 })]
    [InlineData("4243", "2", 4242, new int[0])]
    [InlineData(null, "1", 4242, new int[0])]
    [InlineData("4242", "0", 4242, new int[0])]
    [InlineData("4242", "-1", 4242, new int[0])]
    [InlineData("4242", "x", 4242, new int[0])]
    public void Listen_fds_count_only_for_the_process_LISTEN_PID_names(string? pid, string? fds, int self, int[] expected) =>
        Assert.Equal(expected, SocketActivation.Fds(pid, fds, self));
}
