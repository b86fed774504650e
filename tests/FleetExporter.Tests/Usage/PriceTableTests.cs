using FleetExporter.Roster;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

public sealed class PriceTableTests
{
    [Theory]
    [InlineData("claude-opus-4-1", "claude-opus-4-1")]
    [InlineData("claude-opus-4-1-20250805", "claude-opus-4-1")]
    [InlineData("claude-opus-4-20250514", "claude-opus-4")]
    [InlineData("claude-opus-4-1-2025080", null)]
    [InlineData("claude-opus-4-1-preview", null)]
    [InlineData("claude-sonnet-4-5", null)]
    [InlineData("gpt-5-codex", null)]
    public void A_shipped_price_is_for_its_model_and_its_dated_snapshots_only(string model, string? priced) =>
        Assert.Equal(priced, PriceTable.Default.For(model)?.Model);

    [Fact]
    public void The_rosters_prices_come_first_a_star_prices_a_prefix_and_reasoning_is_billed_as_output_unless_said()
    {
        var roster = RosterLoader.Parse("""
            prices:
              - { model: "gpt-5*", input: 1.25, output: 10, cache_read: 0.125 }
              - { model: claude-opus-4-1, input: 1, output: 2, reasoning: 0.5 }
            agents: []
            """, "prices.yaml");
        var totals = UsageTotals.Empty.Add(new ModelResponse("a", "gpt-5-codex", 1_000_000, 1_000_000, 1_000_000, 0, 1_000_000))
            .Add(new ModelResponse("b", "claude-opus-4-1", 1_000_000, 0, 0, 0, 2_000_000))
            .Add(new ModelResponse("c", "mystery-model", 5, 5, 0, 0));

        Assert.Equal(1.25 + 10 + 0.125 + 10, roster.Prices.Cost(totals, "gpt-5-codex")!.Value, 9);
        Assert.Equal(1 + 2 * 0.5, roster.Prices.Cost(totals, "claude-opus-4-1")!.Value, 9);
        Assert.Null(roster.Prices.Cost(totals, "mystery-model"));
        Assert.Equal(5 * 15 / 1e6 + 5 * 75 / 1e6, PriceTable.Default.Cost(UsageTotals.Empty.Add(new ModelResponse("d", "claude-opus-4", 5, 5, 0, 0)), "claude-opus-4")!.Value, 12);
    }

    [Theory]
    [InlineData("prices: { model: x }", "prices", "expected a list")]
    [InlineData("prices:\n  - { input: 1, output: 2 }", "prices[0].model", "missing")]
    [InlineData("prices:\n  - { model: x, output: 2 }", "prices[0].input", "missing: USD per million tokens")]
    [InlineData("prices:\n  - { model: x, input: -1, output: 2 }", "prices[0].input", "is not an amount in USD")]
    [InlineData("prices:\n  - { model: x, input: 1, output: lots }", "prices[0].output", "is not an amount in USD")]
    [InlineData("prices:\n  - { model: x, input: 1, output: 2, cost: 3 }", "prices[0].cost", "unknown key")]
    public void A_bad_price_names_its_place_in_the_roster(string yaml, string path, string says)
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse(yaml + "\nagents: []\n", "prices.yaml"));
        Assert.Contains(path, e.Message);
        Assert.Contains(says, e.Message);
        Assert.Contains("prices.yaml:", e.Message);
    }
}

public sealed class UsageCellsTests
{
    private static FleetExporter.Sources.Usage.UsageReading Reading(params ModelResponse[] responses) =>
        new(responses.Aggregate(UsageTotals.Empty, (t, r) => t.Add(r)), null);

    [Fact]
    public void Cost_says_what_is_priced_and_never_hides_what_is_not()
    {
        var prices = PriceTable.Default;
        Assert.Equal("-", FleetExporter.Glance.UsageCells.Cost(null, prices));
        Assert.Equal("!", FleetExporter.Glance.UsageCells.Cost(new(null, "bad file"), prices));
        Assert.Equal("$1.00", FleetExporter.Glance.UsageCells.Cost(Reading(new ModelResponse("a", "claude-opus-4-5", 200_000, 0, 0, 0)), prices));
        Assert.Equal("$1.00+?", FleetExporter.Glance.UsageCells.Cost(Reading(new ModelResponse("a", "claude-opus-4-5", 200_000, 0, 0, 0), new ModelResponse("b", "mystery", 5, 0, 0, 0)), prices));
        Assert.Equal("?", FleetExporter.Glance.UsageCells.Cost(Reading(new ModelResponse("b", "mystery", 5, 0, 0, 0)), prices));
        Assert.Equal("$75", FleetExporter.Glance.UsageCells.Cost(Reading(new ModelResponse("a", "claude-opus-4-5", 0, 3_000_000, 0, 0)), prices));
    }

    [Fact]
    public void Context_is_a_share_of_the_window_only_when_the_runtime_reports_the_window()
    {
        Assert.Equal("62%", FleetExporter.Glance.UsageCells.Context(Reading(new ModelResponse(null, "gpt-5", 10, 0, 0, 0) { Context = 160_000, ContextWindow = 258_400 })));
        Assert.Equal("-", FleetExporter.Glance.UsageCells.Context(Reading(new ModelResponse("a", "claude-opus-4-5", 160_000, 0, 0, 0))));
    }

    [Fact]
    public void The_table_gains_cost_and_context_columns_only_when_some_agent_has_usage()
    {
        var plain = new FleetExporter.Cli.Ps.PsRow("a1", "t", "h", "active", "claude", "idle", "1s", "2s", []);
        var spending = plain with { Agent = "a2", Cost = "$1.00", Context = "62%" };

        var without = FleetExporter.Cli.Ps.PsTable.Render([plain], colour: false, width: 80).Split('\n')[0];
        var with = FleetExporter.Cli.Ps.PsTable.Render([plain, spending], colour: false, width: 80).Split('\n');

        Assert.Matches(@"^AGENT +TENANT +HOST +UNIT +PANE +STATE +IDLE +HB +FLAGS$", without);
        Assert.Matches(@"^AGENT +TENANT +HOST +UNIT +PANE +STATE +IDLE +HB +TODAY +COST +CTX +FLAGS$", with[0]);
        Assert.Matches(@"^a2 .* \$1\.00 +62% +ok$", with[2]);
        Assert.All(with, l => Assert.True(l.Length <= 80, l));
    }
}

public sealed class LandingPageCostTests
{
    [Fact]
    public void The_landing_page_row_shows_the_cost_as_ps_does_with_the_tokens_on_hover_and_a_dash_without_usage()
    {
        var fleet = FleetExporter.Tests.Metrics.ExpositionGoldenTests.FixedFleet();
        var healthy = fleet.Agents.Single(a => a.Spec.Name == "healthy");
        var down = fleet.Agents.Single(a => a.Spec.Name == "down");

        var today = DateOnly.FromDateTime(fleet.At.UtcDateTime);
        var row = FleetExporter.Web.LandingPageRows.Row(healthy, fleet.Roster.Prices, today);

        Assert.Contains("<span title=\"12835 tokens in 2 responses; context -\">$0.05</span>", row);
        Assert.Contains("<td>missing</td><td>-</td><td>-</td><td><a class=\"bad\"", FleetExporter.Web.LandingPageRows.Row(down, fleet.Roster.Prices, today));
    }
}

public sealed class ContextWindowTests
{
    [Fact]
    public void The_rosters_context_windows_give_a_window_where_the_runtime_reports_none_and_never_override_one_it_reports()
    {
        var roster = RosterLoader.Parse("""
            context_windows:
              - { model: "claude-*", tokens: 200000 }
            agents: []
            """, "windows.yaml");
        var claude = UsageTotals.Empty.Add(new ModelResponse("a", "claude-opus-4-5", 150_000, 0, 0, 0));
        var codex = UsageTotals.Empty.Add(new ModelResponse(null, "claude-codex-like", 10, 0, 0, 0) { Context = 100, ContextWindow = 1000 });
        var other = UsageTotals.Empty.Add(new ModelResponse("b", "gemini-x", 10, 0, 0, 0));

        Assert.Equal(("claude-opus-4-5", 200_000L), roster.Prices.WithKnownWindow(claude).ContextWindow);
        Assert.Equal(("claude-codex-like", 1000L), roster.Prices.WithKnownWindow(codex).ContextWindow);
        Assert.Null(roster.Prices.WithKnownWindow(other).ContextWindow);
        Assert.Equal("75%", FleetExporter.Glance.UsageCells.Context(new(roster.Prices.WithKnownWindow(claude), null)));
    }

    [Theory]
    [InlineData("context_windows: 5", "context_windows", "expected a list")]
    [InlineData("context_windows:\n  - { model: m }", "context_windows[0].tokens", "missing")]
    [InlineData("context_windows:\n  - { model: m, tokens: lots }", "context_windows[0].tokens", "is not a number of tokens")]
    [InlineData("context_windows:\n  - { model: m, tokens: 0 }", "context_windows[0].tokens", "is not a number of tokens")]
    public void A_bad_context_window_names_its_place_in_the_roster(string yaml, string path, string says)
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse(yaml + "\nagents: []\n", "windows.yaml"));
        Assert.Contains(path, e.Message);
        Assert.Contains(says, e.Message);
    }
}
