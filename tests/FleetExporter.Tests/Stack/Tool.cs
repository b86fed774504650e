using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>Runs a command-line tool of the stack (promtool, amtool, docker-compose) from the repository root.</summary>
public static class Tool
{
    public static async Task<ProcessOutput> RunAsync(string program, params string[] args)
    {
        Assert.True(File.Exists($"/usr/bin/{program}"), $"{program} is not installed: run tests/run.sh, which installs it with apt-get");
        // promtool and docker-compose resolve relative paths against the working directory.
        return await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec \"$@\"", RepoPaths.Root, program, .. args], TimeSpan.FromSeconds(60));
    }

    public static string Describe(ProcessOutput r) => $"exit {r.ExitCode}\n{r.StandardOutput}\n{r.StandardError}";
}
