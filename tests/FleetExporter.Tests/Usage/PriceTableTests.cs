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
    [InlineData("prices:\n  - { model: x, input: -1, output: 2 }", "prices[0].input", "is not a price")]
    [InlineData("prices:\n  - { model: x, input: 1, output: lots }", "prices[0].output", "is not a price")]
    [InlineData("prices:\n  - { model: x, input: 1, output: 2, cost: 3 }", "prices[0].cost", "unknown key")]
    public void A_bad_price_names_its_place_in_the_roster(string yaml, string path, string says)
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse(yaml + "\nagents: []\n", "prices.yaml"));
        Assert.Contains(path, e.Message);
        Assert.Contains(says, e.Message);
        Assert.Contains("prices.yaml:", e.Message);
    }
}
