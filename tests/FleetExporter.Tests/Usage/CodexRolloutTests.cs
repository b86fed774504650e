using System.Text;
using System.Text.Json;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Sources.Usage;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>Codex rollout lines, shaped as codex 0.169 writes them (recorded against the model stub).</summary>
public sealed class CodexRolloutTests
{
    private static string TurnContext(string model) =>
        JsonSerializer.Serialize(new { timestamp = "2026-12-06T11:31:45.111Z", type = "turn_context", payload = new { turn_id = "t1", cwd = "/w", model } });

    private static string TokenCount(long input, long cached, long output, long reasoning, long lastInput, long window = 258400) =>
        JsonSerializer.Serialize(new
        {
            timestamp = "2026-12-06T11:31:45.913Z", type = "event_msg",
            payload = new
            {
                type = "token_count",
                info = new
                {
                    total_token_usage = new { input_tokens = input, cached_input_tokens = cached, cache_write_input_tokens = 0, output_tokens = output, reasoning_output_tokens = reasoning, total_tokens = input + output },
                    last_token_usage = new { input_tokens = lastInput, cached_input_tokens = 0, output_tokens = 0 },
                    model_context_window = window,
                },
                rate_limits = new { limit_id = "codex" },
            },
        });

    private static UsageTotals Count(params string[] lines)
    {
        var cursor = new TranscriptCursor();
        var totals = UsageTotals.Empty;
        foreach (var line in lines)
            if (CodexRollout.Parse(Encoding.UTF8.GetBytes(line), cursor) is { } response) totals = totals.Add(response);
        return totals;
    }

    [Fact]
    public void Each_token_count_adds_what_the_running_totals_grew_by_in_disjoint_kinds_under_the_turns_model()
    {
        var t = Count(TurnContext("gpt-5-codex"), TokenCount(118, 11, 10, 2, lastInput: 118), TurnContext("gpt-5-codex"), TokenCount(272, 44, 30, 8, lastInput: 154));

        Assert.Equal(2, t.Responses);
        Assert.Equal(272 - 44, t.Tokens[("gpt-5-codex", TokenType.Input)]);
        Assert.Equal(44, t.Tokens[("gpt-5-codex", TokenType.CacheRead)]);
        Assert.Equal(30 - 8, t.Tokens[("gpt-5-codex", TokenType.Output)]);
        Assert.Equal(8, t.Tokens[("gpt-5-codex", TokenType.Reasoning)]);
        Assert.Equal(("gpt-5-codex", 154L), t.Context);
        Assert.Equal(("gpt-5-codex", 258400L), t.ContextWindow);
    }

    [Fact]
    public void A_token_count_repeated_with_the_same_totals_adds_nothing()
    {
        var t = Count(TurnContext("m"), TokenCount(118, 11, 10, 2, 118), TokenCount(118, 11, 10, 2, 118), TokenCount(118, 11, 10, 2, 118));
        Assert.Equal((1L, 107L), (t.Responses, t.Tokens[("m", TokenType.Input)]));
    }

    [Fact]
    public void Totals_that_fell_start_again_from_zero_and_a_count_before_any_turn_context_has_an_unknown_model()
    {
        var t = Count(TokenCount(100, 0, 10, 0, 100), TokenCount(40, 0, 4, 0, 40));
        Assert.Equal(140, t.Tokens[("unknown", TokenType.Input)]);
    }

    [Fact]
    public void The_running_totals_carry_over_from_one_hook_to_the_next_through_the_usage_file()
    {
        using var dir = new Infrastructure.TempDirectory();
        var root = dir.File("codex");
        var file = Path.Combine(root, "sessions", "2026", "12", "06", "rollout-x.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.AppendAllText(file, TurnContext("m") + "\n" + TokenCount(118, 11, 10, 2, 118) + "\n");
        string[] roots = [TranscriptCounter.ResolveRoot(root)!];
        var first = TranscriptCounter.Advance(UsageTotals.Empty, file, roots, TranscriptFormats.Codex.Parse);
        var usage = dir.File("a.usage");
        UsageFile.Write(usage, first, DateTimeOffset.UtcNow);

        File.AppendAllText(file, TokenCount(272, 44, 30, 8, 154) + "\n");
        var second = TranscriptCounter.Advance(UsageFile.Read(usage)!, file, roots, TranscriptFormats.Codex.Parse);

        Assert.Equal(272 - 44, second.Tokens[("m", TokenType.Input)]);
        Assert.Equal(2, second.Responses);
    }
}

/// <summary>Codex's <c>rate_limits</c>: the account's windows, kept as last reported and exported until they reset.</summary>
public sealed class CodexRateLimitTests
{
    private static string Limits(object rateLimits, object? info = null) =>
        JsonSerializer.Serialize(new { timestamp = "2026-12-06T11:31:45.913Z", type = "event_msg", payload = new { type = "token_count", info, rate_limits = rateLimits } });

    private static IReadOnlyList<RateLimitWindow>? Read(params string[] lines)
    {
        var cursor = new TranscriptCursor();
        foreach (var line in lines) CodexRollout.Parse(Encoding.UTF8.GetBytes(line), cursor);
        return cursor.RateLimits;
    }

    [Fact]
    public void The_last_reported_windows_are_kept_with_their_length_and_reset_time()
    {
        var limits = Read(
            Limits(new { primary = new { used_percent = 3.0, window_minutes = 300, resets_at = 1_800_000_000 } }),
            Limits(new { primary = new { used_percent = 12.5, window_minutes = 300, resets_at = 1_800_000_100 }, secondary = new { used_percent = 77, window_minutes = 10080, resets_at = 1_800_500_000 } }));

        Assert.Equal(
            [new RateLimitWindow("primary", 12.5, 300, DateTimeOffset.FromUnixTimeSeconds(1_800_000_100)), new RateLimitWindow("secondary", 77, 10080, DateTimeOffset.FromUnixTimeSeconds(1_800_500_000))],
            limits);
    }

    [Fact]
    public void An_older_releases_resets_in_seconds_counts_from_the_lines_timestamp_and_what_is_not_a_window_is_ignored()
    {
        var limits = Read(Limits(new { primary = new { used_percent = 50.0, window_minutes = 60, resets_in_seconds = 120 }, secondary = new { used_percent = "lots" }, limit_id = "codex" }));

        Assert.Equal([new RateLimitWindow("primary", 50, 60, DateTimeOffset.Parse("2026-12-06T11:33:45.913Z"))], limits);
        Assert.Null(Read(Limits(new { limit_id = "codex" })));
        Assert.Null(Read(Limits(new { primary = new { used_percent = -1.0 } })));
    }

    [Fact]
    public void The_counter_keeps_the_windows_across_hooks_and_the_exporter_drops_a_window_once_it_has_reset()
    {
        using var dir = new Infrastructure.TempDirectory();
        var root = dir.File("codex");
        var file = Path.Combine(root, "sessions", "rollout-x.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var soon = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        File.WriteAllText(file, Limits(new { primary = new { used_percent = 40.0, window_minutes = 300, resets_at = soon }, secondary = new { used_percent = 90.0, window_minutes = 10080, resets_at = past } }) + "\n");
        string[] roots = [TranscriptCounter.ResolveRoot(root)!];
        var first = TranscriptCounter.Advance(UsageTotals.Empty, file, roots, TranscriptFormats.Codex.Parse);
        File.AppendAllText(file, "{\"type\":\"event_msg\",\"payload\":{\"type\":\"agent_message\"}}\n");
        var second = TranscriptCounter.Advance(first, file, roots, TranscriptFormats.Codex.Parse);
        Assert.Equal(2, second.RateLimits.Count);

        var agent = new AgentStatus(new AgentSpec("x1", "codex", "x1.service", "x1", "t", TimeSpan.FromSeconds(30), 0), "h", null, null, null, null, null,
            new HeartbeatReading(HeartbeatState.Missing, "", null, null, null, TimeSpan.FromSeconds(30), null, null, null), null, [])
        { Usage = new UsageReading(second, null) };
        var series = FleetSeries.From(new FleetSnapshot(DateTimeOffset.UtcNow, RosterLoader.Parse("agents:\n  - { name: x1, runtime: codex }\n", "r.yaml"), [agent], [], TimeSpan.Zero)).ToList();

        var used = Assert.Single(series, s => s.Family == FleetSeries.RateLimitUsed);
        Assert.Equal(("primary", 0.4), (used.LabelValues[^1], used.Value));
        Assert.Equal(18000, Assert.Single(series, s => s.Family == FleetSeries.RateLimitWindowSeconds).Value);
        Assert.Equal(soon, Assert.Single(series, s => s.Family == FleetSeries.RateLimitResets).Value);
    }
}
