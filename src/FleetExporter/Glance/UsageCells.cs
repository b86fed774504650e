using System.Globalization;
using FleetExporter.Sources.Usage;
using FleetExporter.Usage;

namespace FleetExporter.Glance;

/// <summary>What an agent spent and how full its context is, as <c>ps</c> (COST, CTX) and the landing page show it: short, and never a number that hides what is unknown.</summary>
public static class UsageCells
{
    /// <summary>
    /// The priced models' cost since the count began (<c>$0.42</c>); a <c>+?</c> after it when a model used has no
    /// price, <c>?</c> when none has; <c>-</c> when nothing is counted; <c>!</c> when the usage file cannot be read.
    /// </summary>
    public static string Cost(UsageReading? usage, PriceTable prices)
    {
        if (usage is null) return "-";
        if (usage.Totals is not { } t) return "!";
        var models = t.Tokens.Keys.Select(k => k.Model).Distinct().ToList();
        return models.Count == 0 ? "-" : Dollars(models.Select(m => prices.Cost(t, m)).ToList());
    }

    /// <summary>
    /// The cost counted on <paramref name="today"/> (the host's local date), as <see cref="Cost"/> says it; <c>$0.00</c>
    /// when the agent has usage but none counted today; <c>?</c> when no day was ever recorded (a usage file written
    /// before days were kept, or a Prometheus without the samples to tell).
    /// </summary>
    public static string Today(UsageReading? usage, PriceTable prices, DateOnly today)
    {
        if (usage is null) return "-";
        if (usage.Totals is not { } t) return "!";
        if (t.Tokens.Count == 0) return "-";
        if (t.Today is not { } day) return "?";
        if (day.Date != today) return Dollars([0.0]);
        var models = day.Models.ToList();
        return Dollars(models.Count == 0 ? [0.0] : models.Select(m => prices.Cost(day, m)).ToList());
    }

    /// <summary>The USD of what has a price, <c>+?</c> when something has none, <c>?</c> when nothing has.</summary>
    private static string Dollars(IReadOnlyList<double?> costs)
    {
        if (costs.All(c => c is null)) return "?";
        var usd = costs.Sum(c => c ?? 0);
        var text = "$" + usd.ToString(usd < 10 ? "0.00" : "0", CultureInfo.InvariantCulture);
        return costs.Any(c => c is null) ? text + "+?" : text;
    }

    /// <summary>The context at the last request as a share of the model's window (<c>62%</c>), when the runtime reports the window; else <c>-</c>.</summary>
    public static string Context(UsageReading? usage) =>
        usage?.Totals is { Context: var (model, tokens), ContextWindow: var (windowModel, window) } && model == windowModel && window > 0
            ? Math.Round(100.0 * tokens / window).ToString(CultureInfo.InvariantCulture) + "%"
            : "-";
}
