namespace FleetExporter.Usage;

/// <summary>
/// What an agent spent on one day of the host's local calendar, as its hooks counted it: the tokens (and recorded
/// costs) its transcripts gained on that day. A reader whose date is another day has nothing counted for its today.
/// </summary>
public sealed record DayUsage(DateOnly Date)
{
    public IReadOnlyDictionary<(string Model, string Type), long> Tokens { get; init; } = new Dictionary<(string, string), long>();

    public IReadOnlyDictionary<string, double> RecordedCostUsd { get; init; } = new Dictionary<string, double>();

    /// <summary>The models the day counted tokens or a cost of.</summary>
    public IEnumerable<string> Models => Tokens.Keys.Select(k => k.Model).Concat(RecordedCostUsd.Keys).Distinct();

    /// <summary>
    /// The day of <paramref name="after"/>: what it gained over <paramref name="before"/>, added to the day's count
    /// when that is <paramref name="date"/>, else counted afresh (the day changed since the last count). Counts that
    /// fell (the usage count started again) add nothing.
    /// </summary>
    public static DayUsage? Advance(UsageTotals before, UsageTotals after, DateOnly date)
    {
        var day = before.Today is { } today && today.Date == date ? today : new DayUsage(date);
        var tokens = new Dictionary<(string, string), long>(day.Tokens);
        foreach (var (key, n) in after.Tokens)
            if (n - before.Tokens.GetValueOrDefault(key) is > 0 and var gained) tokens[key] = UsageTotals.Plus(tokens.GetValueOrDefault(key), gained);
        var recorded = new Dictionary<string, double>(day.RecordedCostUsd);
        // A model whose cost the runtime records is priced by that record on the day too, never by a list price.
        foreach (var model in after.RecordedCostUsd.Keys.Where(m => tokens.Keys.Any(k => k.Item1 == m))) recorded.TryAdd(model, 0);
        foreach (var (model, usd) in after.RecordedCostUsd)
            if (usd - before.RecordedCostUsd.GetValueOrDefault(model) is > 0 and var gained) recorded[model] = recorded.GetValueOrDefault(model) + gained;
        if (tokens.Count == day.Tokens.Count && tokens.All(t => day.Tokens.GetValueOrDefault(t.Key) == t.Value)
            && recorded.Count == day.RecordedCostUsd.Count && recorded.All(r => day.RecordedCostUsd.GetValueOrDefault(r.Key) == r.Value))
            return before.Today;
        return day with { Tokens = tokens, RecordedCostUsd = recorded };
    }
}
