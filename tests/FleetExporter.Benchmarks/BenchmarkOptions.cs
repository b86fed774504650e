using System.Globalization;

namespace FleetExporter.Benchmarks;

/// <summary><c>--agents N</c> (default 300) and <c>--joins K</c> (default 20).</summary>
internal sealed record BenchmarkOptions(int Agents, int Joins)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int agents = 300, joins = 20;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--agents": agents = value; break;
                case "--joins": joins = value; break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --agents N, --joins K)");
            }
        }
        return new BenchmarkOptions(agents, joins);
    }
}
