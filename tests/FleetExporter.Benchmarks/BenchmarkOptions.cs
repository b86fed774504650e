using System.Globalization;

namespace FleetExporter.Benchmarks;

/// <summary>
/// <c>--agents 100,300,1000</c> (fleet sizes measured side by side; 0 skips them), <c>--joins K</c> (in-process
/// collections per size, default 10), <c>--scrapes S</c> (HTTP scrapes per size, default 30), <c>--starts R</c>
/// (runs of each start-up measured, default 10), <c>--soak N</c> (N more scrapes at the largest size, RSS printed as
/// they go; default 0) at each of <c>--soak-concurrency C[,C...]</c> (default 8), <c>--naive off</c> (skips the naive
/// per-agent join, 200 s at 1000 agents, for a run that only looks at serve), <c>--hooks H</c> (the separate hook benchmark, default 0: the table has the hook's start-up),
/// <c>--transcript-mb M</c> (each agent's Claude Code transcript, default 10; 0: none, and no usage).
/// </summary>
internal sealed record BenchmarkOptions(IReadOnlyList<int> Agents, int Joins, int Scrapes, int Starts, int Soak, int Hooks, int TranscriptMb)
{
    public IReadOnlyList<int> SoakConcurrency { get; init; } = [8];
    public bool Naive { get; init; } = true;

    public const string Usage = """
        usage: FleetExporter.Benchmarks [--agents N[,N...]] [--joins K] [--scrapes S] [--starts R] [--soak N] [--soak-concurrency C[,C...]] [--naive off] [--hooks H] [--transcript-mb M]
          --agents N[,N...]   fleet sizes measured side by side in one run (default 100,300,1000; 0 skips them)
          --joins K           in-process collections per size (default 10)
          --scrapes S         HTTP scrapes of a real serve per size (default 30)
          --starts R          runs of each short-lived command timed (default 10)
          --soak N            N more scrapes at the largest size, RSS printed as they go (default 0)
          --soak-concurrency C[,C...]
                              scrapes at a time in the soak, N scrapes at each in turn (default 8)
          --naive off         skip the naive per-agent join (200 s at 1000 agents)
          --hooks H           also the hook benchmark: H rounds of hook and heartbeat against their floors (default 0)
          --transcript-mb M   each agent's Claude Code transcript, counted by the usage its hooks would have left (default 10; 0: none)
        FLEET_EXPORTER_EXE=PATH measures another build of fleet-exporter (a published one, say); hook and heartbeat
        are timed with the fleet-exporter-hook beside it when there is one (FLEET_EXPORTER_HOOK_EXE=PATH: another),
        and the hook with fleet-exporter itself too.
        """;

    /// <summary>The options, or null when <c>--help</c> asked for <see cref="Usage"/>; a bad option is an <see cref="ArgumentException"/>.</summary>
    public static BenchmarkOptions? Parse(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h")) return null;
        IReadOnlyList<int> agents = [100, 300, 1000];
        int joins = 10, scrapes = 30, starts = 10, soak = 0, hooks = 0, transcriptMb = 10;
        IReadOnlyList<int> soakConcurrency = [8];
        var naive = true;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--agents": agents = [.. args[i + 1].Split(',').Select(Int).Where(n => n > 0).Order()]; break;
                case "--joins": joins = Int(args[i + 1]); break;
                case "--scrapes": scrapes = Int(args[i + 1]); break;
                case "--starts": starts = Int(args[i + 1]); break;
                case "--soak": soak = Int(args[i + 1]); break;
                case "--soak-concurrency": soakConcurrency = [.. args[i + 1].Split(',').Select(Int).Where(n => n > 0)]; break;
                case "--naive": naive = args[i + 1] != "off"; break;
                case "--hooks": hooks = Int(args[i + 1]); break;
                case "--transcript-mb": transcriptMb = Int(args[i + 1]); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (args.Length % 2 == 1) throw new ArgumentException($"option {args[^1]} has no value");
        return new BenchmarkOptions(agents, Math.Max(1, joins), Math.Max(1, scrapes), Math.Max(1, starts), soak, hooks, transcriptMb)
        {
            SoakConcurrency = soakConcurrency.Count > 0 ? soakConcurrency : [8],
            Naive = naive,
        };
    }

    private static int Int(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{s} is not a count");
}
