using FleetExporter.Subprocess;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>Debian's promtool, installed by tests/run.sh.</summary>
public static class Promtool
{
    public const string Binary = "/usr/bin/promtool";

    public static async Task<ProcessOutput> CheckMetricsAsync(string exposition)
    {
        Assert.True(File.Exists(Binary), "promtool is not installed: run tests/run.sh, which installs Debian's prometheus package");
        return await ProcessRunner.RunAsync(Binary, ["check", "metrics"], TimeSpan.FromSeconds(30), standardInput: exposition);
    }
}
