using FleetExporter.Benchmarks;

return await JoinBenchmark.RunAsync(BenchmarkOptions.Parse(args));
