using FleetExporter.Glance;
using FleetExporter.Sources.Usage;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>What an agent spent today (the host's local date) beside what it spent since its count began.</summary>
public sealed class SpendTodayTests
{
    private static readonly DateOnly Monday = new(2026, 12, 7);
    private static readonly DateOnly Tuesday = new(2026, 12, 8);

    private static UsageTotals Opus(UsageTotals t, string id, long output) => t.Add(new ModelResponse(id, "claude-opus-4-5", 0, output, 0, 0));

    [Fact]
    public void The_day_counts_what_the_totals_gained_on_it_and_a_new_day_starts_from_nothing()
    {
        var yesterday = Opus(UsageTotals.Empty, "a", 1000);
        var monday = yesterday with { Today = DayUsage.Advance(UsageTotals.Empty, yesterday, Monday) };
        var more = Opus(monday, "b", 40);
        var stillMonday = more with { Today = DayUsage.Advance(monday, more, Monday) };
        var tuesday = Opus(stillMonday, "c", 7);
        tuesday = tuesday with { Today = DayUsage.Advance(stillMonday, tuesday, Tuesday) };

        Assert.Equal(1040, stillMonday.Today!.Tokens[("claude-opus-4-5", TokenType.Output)]);
        Assert.Equal(Tuesday, tuesday.Today!.Date);
        Assert.Equal(7, tuesday.Today.Tokens[("claude-opus-4-5", TokenType.Output)]);
        Assert.Equal(1047, tuesday.Tokens[("claude-opus-4-5", TokenType.Output)]);
    }

    [Fact]
    public void Counts_that_fell_add_nothing_to_the_day_and_a_day_without_growth_is_kept_as_it_was()
    {
        var before = Opus(UsageTotals.Empty, "a", 500) with { Today = new DayUsage(Monday) { Tokens = new Dictionary<(string, string), long> { [("claude-opus-4-5", TokenType.Output)] = 500 } } };
        var restarted = Opus(UsageTotals.Empty, "z", 10);

        Assert.Same(before.Today, DayUsage.Advance(before, before, Monday));
        Assert.Equal(500, DayUsage.Advance(before, restarted, Monday)!.Tokens[("claude-opus-4-5", TokenType.Output)]);
    }

    [Fact]
    public void Ps_shows_todays_cost_from_the_day_counted_and_nothing_for_a_day_that_is_not_today()
    {
        var prices = PriceTable.Default;
        var total = Opus(UsageTotals.Empty, "a", 400_000);
        var day = new DayUsage(Monday) { Tokens = new Dictionary<(string, string), long> { [("claude-opus-4-5", TokenType.Output)] = 40_000 } };
        var reading = new UsageReading(total with { Today = day }, null);

        Assert.Equal("$10", UsageCells.Cost(reading, prices));   // ten dollars and more: no cents
        Assert.Equal("$1.00", UsageCells.Today(reading, prices, Monday));
        Assert.Equal("$0.00", UsageCells.Today(reading, prices, Tuesday));
        Assert.Equal("-", UsageCells.Today(null, prices, Monday));
        Assert.Equal("!", UsageCells.Today(new UsageReading(null, "bad"), prices, Monday));
        var mystery = new UsageReading(total with { Today = day with { Tokens = new Dictionary<(string, string), long> { [("mystery", TokenType.Input)] = 5 } } }, null);
        Assert.Equal("?", UsageCells.Today(mystery, prices, Monday));
    }

    [Fact]
    public void The_usage_file_keeps_the_day_and_the_rate_limits()
    {
        using var dir = new TempDirectory();
        var file = dir.File("a.usage");
        var resets = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var totals = Opus(UsageTotals.Empty, "a", 5) with
        {
            Today = new DayUsage(Monday) { Tokens = new Dictionary<(string, string), long> { [("claude-opus-4-5", TokenType.Output)] = 5 }, RecordedCostUsd = new Dictionary<string, double> { ["pi-model"] = 0.25 } },
            RateLimits = [new RateLimitWindow("primary", 42.5, 300, resets), new RateLimitWindow("secondary", 7, null, null)],
        };
        UsageFile.Write(file, totals, DateTimeOffset.UtcNow);

        var read = UsageFile.Read(file)!;

        Assert.Equal(Monday, read.Today!.Date);
        Assert.Equal(5, read.Today.Tokens[("claude-opus-4-5", TokenType.Output)]);
        Assert.Equal(0.25, read.Today.RecordedCostUsd["pi-model"]);
        Assert.Equal(totals.RateLimits, read.RateLimits);
    }
}

/// <summary><c>ps --prometheus</c> and <c>/fleet</c>: an agent's spend read back from its exported series.</summary>
public sealed class RemoteUsageTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static FleetExporter.Federation.PromSample S(string name, double value, params (string, string)[] labels) =>
        new(new Dictionary<string, string>(labels.Select(l => KeyValuePair.Create(l.Item1, l.Item2))) { ["__name__"] = name, ["agent"] = "a1" }, value);

    [Fact]
    public void Cost_today_context_and_rate_limits_come_from_the_series_and_a_model_its_exporter_did_not_price_stays_unpriced()
    {
        FleetExporter.Federation.PromSample[] series =
        [
            S("fleet_agent_tokens_total", 400_000, ("model", "claude-opus-4-5"), ("type", "output")),
            S("fleet_agent_tokens_total", 5, ("model", "claude-sonnet-4"), ("type", "input")),
            S("fleet_agent_cost_usd_total", 10, ("model", "claude-opus-4-5")),
            S("fleet_agent_context_tokens", 150_000, ("model", "claude-opus-4-5")),
            S("fleet_agent_context_window_tokens", 200_000, ("model", "claude-opus-4-5")),
            S("fleet_agent_rate_limit_used_ratio", 0.25, ("window", "primary")),
            S("fleet_agent_rate_limit_window_seconds", 18000, ("window", "primary")),
        ];
        var reading = FleetExporter.Federation.RemoteUsage.From(series, [S("fleet_agent_cost_usd_total", 1.5, ("model", "claude-opus-4-5"))], Today)!;
        var prices = PriceTable.RecordedOnly;

        // claude-sonnet-4 has a shipped price, but its exporter exported no cost for it: unpriced here too.
        Assert.NotNull(PriceTable.Default.For("claude-sonnet-4"));
        Assert.Equal("$10+?", UsageCells.Cost(reading, prices));
        Assert.Equal("$1.50+?", UsageCells.Today(reading, prices, Today));
        Assert.Equal("75%", UsageCells.Context(reading));
        Assert.Equal([new RateLimitWindow("primary", 25, 300, null)], reading.Totals!.RateLimits);
        Assert.Null(FleetExporter.Federation.RemoteUsage.From([S("fleet_agent_info", 1)], [], Today));
        // Prometheus could not say (no answer, or no increase yet for a cost series): unknown, not $0.00.
        Assert.Equal("?", UsageCells.Today(FleetExporter.Federation.RemoteUsage.From(series, null, Today), prices, Today));
        Assert.Equal("?", UsageCells.Today(FleetExporter.Federation.RemoteUsage.From(series, [], Today), prices, Today));
    }

    [Fact]
    public void Todays_range_runs_from_local_midnight_and_is_never_shorter_than_five_minutes()
    {
        Assert.Equal("sum by (tenant, host, agent, model) (increase(fleet_agent_cost_usd_total[3600s]))", FleetExporter.Federation.FleetAnswers.CostTodayQuery(TimeSpan.FromHours(1)));
        Assert.Equal("sum by (tenant, host, agent, model) (increase(fleet_agent_cost_usd_total[300s]))", FleetExporter.Federation.FleetAnswers.CostTodayQuery(TimeSpan.FromSeconds(20)));
        var at = DateTimeOffset.UtcNow;
        var since = FleetExporter.Federation.FleetAnswers.SinceLocalMidnight(at);
        Assert.InRange(since, TimeSpan.Zero, TimeSpan.FromHours(25));
        Assert.Equal(UsageHook.LocalDate(at), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at - since, TimeZoneInfo.Local).DateTime));
    }
}
