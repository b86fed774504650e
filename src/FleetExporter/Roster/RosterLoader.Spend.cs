using System.Globalization;
using FleetExporter.Usage;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Roster;

public static partial class RosterLoader
{
    private sealed partial class Reader
    {
        private static readonly string[] PriceKeys = ["model", "input", "output", "cache_read", "cache_write", "reasoning"];

        /// <summary><c>prices:</c> a list of <c>{ model, input, output, cache_read, cache_write, reasoning }</c> in USD per million tokens.</summary>
        private PriceTable ReadPrices(YamlMappingNode root)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode("prices"), out var node) || IsNull(node)) return new PriceTable([], ReadWindows(root));
            if (node is not YamlSequenceNode list) throw Error(node, "prices", "expected a list of { model, input, output, cache_read, cache_write }");
            var prices = new List<ModelPrice>();
            for (var i = 0; i < list.Children.Count; i++)
            {
                var path = $"prices[{i}]";
                if (list.Children[i] is not YamlMappingNode map) throw Error(list.Children[i], path, "expected a mapping { model, input, output, ... }");
                CheckKeys(map, path + ".", PriceKeys);
                var model = OptionalString(map, "model", path + ".") ?? throw Error(map, path + ".model", "missing: the model id (or a prefix ending in *) this price is for");
                prices.Add(new ModelPrice(model, Usd(map, "input", path, required: true)!.Value, Usd(map, "output", path, required: true)!.Value,
                    Usd(map, "cache_read", path) ?? 0, Usd(map, "cache_write", path) ?? 0, Usd(map, "reasoning", path)));
            }
            return new PriceTable(prices, ReadWindows(root));
        }

        private static readonly string[] WindowKeys = ["model", "tokens"];

        /// <summary><c>context_windows:</c> a list of <c>{ model, tokens }</c>: the context window of models whose runtime does not report it.</summary>
        private List<ModelPrice> ReadWindows(YamlMappingNode root)
        {
            var windows = new List<ModelPrice>();
            if (!root.Children.TryGetValue(new YamlScalarNode("context_windows"), out var node) || IsNull(node)) return windows;
            if (node is not YamlSequenceNode list) throw Error(node, "context_windows", "expected a list of { model, tokens }");
            for (var i = 0; i < list.Children.Count; i++)
            {
                var path = $"context_windows[{i}]";
                if (list.Children[i] is not YamlMappingNode map) throw Error(list.Children[i], path, "expected a mapping { model, tokens }");
                CheckKeys(map, path + ".", WindowKeys);
                var model = OptionalString(map, "model", path + ".") ?? throw Error(map, path + ".model", "missing: the model id (or a prefix ending in *)");
                var text = OptionalString(map, "tokens", path + ".") ?? throw Error(map, path + ".tokens", "missing: the window in tokens");
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) || tokens <= 0)
                    throw Error(Value(map, "tokens"), path + ".tokens", $"{Q(text)} is not a number of tokens (a whole number above 0)");
                windows.Add(new ModelPrice(model, tokens, 0, 0, 0));
            }
            return windows;
        }

        private static readonly string[] BudgetKeys = ["usd_per_day", "tenants"];

        /// <summary><c>budgets:</c> every agent's default daily budget and each tenant's, in USD at list prices.</summary>
        private (double? AgentDefault, IReadOnlyDictionary<string, double> Tenants) ReadBudgets(YamlMappingNode root)
        {
            var budgets = OptionalMapping(root, "budgets", "");
            if (budgets is null) return (null, new Dictionary<string, double>());
            CheckKeys(budgets, "budgets.", BudgetKeys);
            var tenants = new Dictionary<string, double>(StringComparer.Ordinal);
            if (OptionalMapping(budgets, "tenants", "budgets.") is { } map)
                foreach (var (key, _) in map.Children)
                {
                    var tenant = (key as YamlScalarNode)?.Value ?? throw Error(key, "budgets.tenants", "a tenant's name must be a plain string");
                    if (!AgentName().IsMatch(tenant)) throw Error(key, "budgets.tenants", $"{Q(tenant)} is not a valid tenant");
                    tenants[tenant] = Usd(map, tenant, "budgets.tenants")!.Value;
                }
            return (Usd(budgets, "usd_per_day", "budgets"), tenants);
        }

        private double? Usd(YamlMappingNode map, string key, string path, bool required = false)
        {
            var text = OptionalString(map, key, path + ".");
            if (text is null)
                return required ? throw Error(map, $"{path}.{key}", "missing: USD per million tokens") : null;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var usd) && usd >= 0 && double.IsFinite(usd)
                ? usd
                : throw Error(Value(map, key), $"{path}.{key}", $"{Q(text)} is not an amount in USD (a number, 0 or more)");
        }
    }
}
