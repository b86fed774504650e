using FleetExporter.Benchmarks;

BenchmarkOptions? options;
try { options = BenchmarkOptions.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n{BenchmarkOptions.Usage}");
    return 2;
}
if (options is null)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}
if (options.Hooks > 0 && await HookBenchmark.RunAsync(options.Hooks) != 0) return 1;
return options.Agents.Count > 0 ? await ScaleBenchmark.RunAsync(options) : 0;
