namespace FleetExporter.Usage;

/// <summary>
/// What a model costs, in USD per million tokens of each <see cref="TokenType"/>. <see cref="Model"/> names a model id
/// exactly, or with a date snapshot after it (<c>claude-opus-4-1</c> also prices <c>claude-opus-4-1-20250805</c>), or
/// ends in <c>*</c> to price every id it begins. Reasoning is billed as output unless said otherwise.
/// </summary>
public sealed record ModelPrice(string Model, double Input, double Output, double CacheRead, double CacheWrite, double? Reasoning = null)
{
    public double PerMillion(string type) => type switch
    {
        TokenType.Input => Input,
        TokenType.Output => Output,
        TokenType.CacheRead => CacheRead,
        TokenType.CacheWrite => CacheWrite,
        TokenType.Reasoning => Reasoning ?? Output,
        _ => 0,
    };

    public bool Prices(string model)
    {
        if (Model.EndsWith('*')) return model.StartsWith(Model[..^1], StringComparison.Ordinal);
        if (model == Model) return true;
        // A dated snapshot of the model: NAME-YYYYMMDD.
        return model.Length == Model.Length + 9 && model.StartsWith(Model + "-", StringComparison.Ordinal)
               && model.AsSpan(Model.Length + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }
}

/// <summary>
/// The prices cost is counted at: the roster's own (<c>prices:</c>) first, then the shipped table. A model neither
/// prices has no cost, and says so (<c>fleet_agent_model_priced 0</c>), rather than costing 0.
/// </summary>
public sealed class PriceTable(IReadOnlyList<ModelPrice> roster, IReadOnlyList<ModelPrice>? windows = null)
{
    /// <summary>
    /// The context window of a model, from the roster's <c>context_windows:</c> (no table ships: windows change with
    /// plans and betas); a runtime that reports its own (Codex) is believed first. Matched as prices are.
    /// </summary>
    public long? ContextWindowFor(string model) => windows?.FirstOrDefault(w => w.Prices(model)) is { } w ? (long)w.Input : null;

    /// <summary>The totals with the roster's window for the model of the last request, when the runtime reported none for it.</summary>
    public UsageTotals WithKnownWindow(UsageTotals totals) =>
        totals.Context is var (model, _) && totals.ContextWindow?.Model != model && ContextWindowFor(model) is { } window
            ? totals with { ContextWindow = (model, window) }
            : totals;

    /// <summary>When the shipped prices were checked against the vendors' public price pages.</summary>
    public const string ShippedAsOf = "2026-12-06";

    /// <summary>
    /// Anthropic's list prices (platform.claude.com/docs/en/about-claude/pricing, standard API, 5-minute cache
    /// writes, as of <see cref="ShippedAsOf"/>), only for models whose row was seen there. Every other model is
    /// priced in the roster.
    /// </summary>
    public static readonly IReadOnlyList<ModelPrice> Shipped =
    [
        new("claude-opus-5", 5, 25, 0.50, 6.25),
        new("claude-opus-4-8", 5, 25, 0.50, 6.25),
        new("claude-opus-4-7", 5, 25, 0.50, 6.25),
        new("claude-opus-4-6", 5, 25, 0.50, 6.25),
        new("claude-opus-4-5", 5, 25, 0.50, 6.25),
        new("claude-opus-4-1", 15, 75, 1.50, 18.75),
        new("claude-opus-4", 15, 75, 1.50, 18.75),
        new("claude-sonnet-4", 3, 15, 0.30, 3.75),
        new("claude-3-7-sonnet", 3, 15, 0.30, 3.75),
        new("claude-3-5-haiku", 0.80, 4, 0.08, 1),
        new("claude-3-haiku", 0.25, 1.25, 0.03, 0.30),
    ];

    public static readonly PriceTable Default = new([]);

    /// <summary>
    /// No price at all: only recorded costs count. For rows read back from Prometheus, whose exporters priced them
    /// (their cost is carried as recorded); a model they did not price stays unpriced here too.
    /// </summary>
    public static readonly PriceTable RecordedOnly = new([]) { ShippedRows = [] };

    private IReadOnlyList<ModelPrice> ShippedRows { get; init; } = Shipped;

    public ModelPrice? For(string model) => roster.FirstOrDefault(p => p.Prices(model)) ?? ShippedRows.FirstOrDefault(p => p.Prices(model));

    /// <summary>
    /// The cost of an agent's tokens of one model: what the runtime recorded (pi), else at its price; null when the
    /// model has neither.
    /// </summary>
    public double? Cost(UsageTotals totals, string model) => Cost(totals.Tokens, totals.RecordedCostUsd, model);

    /// <summary>The cost of one day's tokens of one model (<see cref="UsageTotals.Today"/>), as <see cref="Cost(UsageTotals, string)"/>.</summary>
    public double? Cost(DayUsage day, string model) => Cost(day.Tokens, day.RecordedCostUsd, model);

    private double? Cost(IReadOnlyDictionary<(string Model, string Type), long> tokens, IReadOnlyDictionary<string, double> recordedUsd, string model) =>
        recordedUsd.TryGetValue(model, out var recorded) ? recorded
        : For(model) is { } price
            ? tokens.Where(t => t.Key.Model == model).Sum(t => t.Value * price.PerMillion(t.Key.Type) / 1_000_000)
            : null;
}
