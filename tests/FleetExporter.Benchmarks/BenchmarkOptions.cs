using System.Globalization;

namespace FleetExporter.Benchmarks;

/// <summary><c>--agents N</c> (default 300; 0 skips the join benchmark), <c>--joins K</c> (default 20) and <c>--hooks H</c> (hook runs, default 30; 0 skips).</summary>
internal sealed record BenchmarkOptions(int Agents, int Joins, int Hooks)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int agents = 300, joins = 20, hooks = 30;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--agents": agents = value; break;
                case "--joins": joins = value; break;
                case "--hooks": hooks = value; break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --agents N, --joins K, --hooks H)");
            }
        }
        return new BenchmarkOptions(agents, joins, hooks);
    }
}
