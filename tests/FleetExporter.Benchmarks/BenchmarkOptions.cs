using System.Globalization;

namespace FleetExporter.Benchmarks;

/// <summary>
/// <c>--agents 100,300,1000</c> (fleet sizes measured side by side; 0 skips them), <c>--joins K</c> (in-process
/// collections per size, default 10), <c>--scrapes S</c> (HTTP scrapes per size, default 30), <c>--starts R</c>
/// (runs of each start-up measured, default 10), <c>--soak N</c> (N more scrapes at the largest size, RSS printed as
/// they go; default 0), <c>--hooks H</c> (the separate hook benchmark, default 0: the table has the hook's start-up).
/// </summary>
internal sealed record BenchmarkOptions(IReadOnlyList<int> Agents, int Joins, int Scrapes, int Starts, int Soak, int Hooks)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        IReadOnlyList<int> agents = [100, 300, 1000];
        int joins = 10, scrapes = 30, starts = 10, soak = 0, hooks = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--agents": agents = [.. args[i + 1].Split(',').Select(Int).Where(n => n > 0).Order()]; break;
                case "--joins": joins = Int(args[i + 1]); break;
                case "--scrapes": scrapes = Int(args[i + 1]); break;
                case "--starts": starts = Int(args[i + 1]); break;
                case "--soak": soak = Int(args[i + 1]); break;
                case "--hooks": hooks = Int(args[i + 1]); break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --agents N[,N...], --joins K, --scrapes S, --starts R, --soak N, --hooks H)");
            }
        }
        if (args.Length % 2 == 1) throw new ArgumentException($"option {args[^1]} has no value");
        return new BenchmarkOptions(agents, Math.Max(1, joins), Math.Max(1, scrapes), Math.Max(1, starts), soak, hooks);
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}
