using FleetExporter.Benchmarks;

var options = BenchmarkOptions.Parse(args);
if (options.Hooks > 0 && await HookBenchmark.RunAsync(options.Hooks) != 0) return 1;
return options.Agents.Count > 0 ? await ScaleBenchmark.RunAsync(options) : 0;
