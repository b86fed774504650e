using System.Globalization;
using System.Text;
using System.Text.Json;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary>The hook fields of a v1 heartbeat: written, read back, and read leniently from other writers.</summary>
public sealed class HookHeartbeatTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_470_000_250);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static HeartbeatReading Parse(string content) =>
        HeartbeatParser.Parse("/run/a.hb", Encoding.UTF8.GetBytes(content), Now, Interval);

    private static string Ts => (Now.ToUnixTimeMilliseconds() / 1000.0 - 2).ToString("0.###", CultureInfo.InvariantCulture);

    [Fact]
    public void A_hook_report_written_into_a_heartbeat_reads_back_the_same()
    {
        using var dir = new TempDirectory();
        var file = dir.File("run/b1.hb");
        var report = new HookReport(AgentStateName.Waiting, Now.AddSeconds(-75.5), "claude", "Notification", "permission_prompt",
            HookPayloads.ClaudeSession,
            new PromptReport("a1b2c3", "5657cdef8a85a584e0e961e6f8247cf5d3f8ed21496ed6fdbcfd43a761e94245", 10, Now.AddSeconds(-80.125)));

        HeartbeatWriter.Write(file, Now, Interval, 4242, "waiting", 6, report);
        var reading = HeartbeatParser.Parse(file, File.ReadAllBytes(file), Now, Interval);

        Assert.Equal(HeartbeatState.Ok, reading.State);
        Assert.Equal(7, reading.Seq);
        Assert.Equal("waiting", reading.Status);
        Assert.Equal(report, reading.Hook);
    }

    [Fact]
    public void The_written_hook_fields_have_the_documented_names_and_types()
    {
        using var dir = new TempDirectory();
        var file = dir.File("b1.hb");
        var report = new HookReport(AgentStateName.Working, Now.AddSeconds(-3), "codex", "UserPromptSubmit", null, "s-1",
            new PromptReport("turn-1", new string('a', 64), 42, Now.AddSeconds(-3)));

        HeartbeatWriter.Write(file, Now, Interval, null, "working", null, report);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var root = doc.RootElement;

        Assert.Equal("working", root.GetProperty("state").GetString());
        Assert.Equal((Now.ToUnixTimeMilliseconds() - 3000) / 1000.0, root.GetProperty("state_since").GetDouble(), 3);
        Assert.Equal("codex", root.GetProperty("runtime").GetString());
        Assert.Equal("UserPromptSubmit", root.GetProperty("event").GetString());
        Assert.False(root.TryGetProperty("event_detail", out _));
        Assert.Equal("s-1", root.GetProperty("session_id").GetString());
        Assert.Equal("turn-1", root.GetProperty("prompt_id").GetString());
        Assert.Equal(new string('a', 64), root.GetProperty("prompt_sha256").GetString());
        Assert.Equal(42, root.GetProperty("prompt_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("prompt_ts").ValueKind);
    }

    [Fact]
    public void An_old_v1_heartbeat_without_hook_fields_has_no_hook_report()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts}},"interval_s":30,"seq":41,"pid":1234,"status":"working"}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.Null(r.Hook);
    }

    [Theory]
    [InlineData("\"state\":5")]
    [InlineData("\"state\":[\"working\"]")]
    [InlineData("\"prompt_sha256\":[]")]
    [InlineData("\"prompt_sha256\":{}")]
    [InlineData("\"state_since\":\"x\"")]
    [InlineData("\"state\":\"working\",\"state_since\":\"x\"")]
    [InlineData("\"state\":\"working\",\"prompt_bytes\":\"many\",\"prompt_sha256\":\"ab\",\"prompt_ts\":null")]
    [InlineData("\"event\":7,\"runtime\":{},\"session_id\":false")]
    [InlineData("\"state\":\"sleeping\"")]
    [InlineData("\"state\":\"WORKING\"")]
    public void A_hook_field_of_the_wrong_type_or_an_unknown_state_is_ignored_not_invalid(string fields)
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts}},"seq":3,{{fields}}}""");

        Assert.Equal(HeartbeatState.Ok, r.State);
        Assert.Null(r.Problem);
        Assert.Equal(3, r.Seq);
        Assert.True(r.Hook is null || r.Hook.State is AgentStateName.Unknown or AgentStateName.Working, $"{r.Hook}");
    }

    [Fact]
    public void A_wrong_typed_state_leaves_nothing_but_an_unknown_state_and_no_since()
    {
        var wrongState = Parse($$"""{"v":1,"ts":{{Ts}},"state":5,"state_since":"x","event":"Stop"}""");
        var unknownName = Parse($$"""{"v":1,"ts":{{Ts}},"state":"sleeping"}""");
        var badSince = Parse($$"""{"v":1,"ts":{{Ts}},"state":"idle","state_since":"x"}""");

        Assert.Equal(AgentStateName.Unknown, wrongState.Hook!.State);
        Assert.Null(wrongState.Hook.Since);
        Assert.Equal("Stop", wrongState.Hook.Event);
        Assert.Null(unknownName.Hook);
        Assert.Equal(AgentStateName.Idle, badSince.Hook!.State);
        Assert.Null(badSince.Hook.Since);
    }

    [Fact]
    public void A_prompt_hash_of_the_wrong_type_means_no_prompt()
    {
        var r = Parse($$"""{"v":1,"ts":{{Ts}},"state":"working","prompt_sha256":[],"prompt_id":"p1","prompt_bytes":3}""");

        Assert.Equal(AgentStateName.Working, r.Hook!.State);
        Assert.Null(r.Hook.Prompt);
    }
}
