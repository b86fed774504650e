using FleetExporter.Subprocess;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>The real fleet-exporter binary built beside the tests, run as an operator would run it.</summary>
public static class FleetBinary
{
    /// <summary>The dotnet host on PATH, as an absolute path (systemd needs one).</summary>
    public static string DotnetHost { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists) ?? "/usr/bin/dotnet";

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "fleet-exporter.dll");

    public static Task<ProcessOutput> RunAsync(IReadOnlyList<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? env = null, string? stdin = null) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. args], timeout ?? TimeSpan.FromSeconds(60), env, stdin);
}
