using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Native;

/// <summary>
/// The native binary, published once for the test class exactly as the README says (`dotnet publish
/// src/FleetExporter -c Release`), in folders of its own so the build beside the tests is not touched. It needs
/// clang and zlib1g-dev, which tests/run.sh installs.
/// </summary>
public sealed class NativeBinary : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public string Path => _dir.File("publish/fleet-exporter");

    /// <summary>fleet-exporter-hook, which the same publish puts beside it.</summary>
    public string HookPath => _dir.File("publish/fleet-exporter-hook");
    public string? Problem { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists("/usr/bin/clang") && !File.Exists("/usr/local/bin/clang"))
        {
            Problem = "clang is not installed (tests/run.sh installs clang and zlib1g-dev)";
            return;
        }
        var publish = await ProcessRunner.RunAsync("dotnet",
            ["publish", RepoPaths.Of("src", "FleetExporter"), "-c", "Release", "--artifacts-path", _dir.File("build"), "-o", _dir.File("publish"), "-nologo"],
            TimeSpan.FromMinutes(15));
        if (publish.ExitCode != 0 || !File.Exists(Path) || !File.Exists(HookPath))
            Problem = $"dotnet publish exited {publish.ExitCode}:\n{Tail(publish.StandardOutput)}\n{Tail(publish.StandardError)}";
    }

    /// <summary>Fails the test with the reason when there is no native binary.</summary>
    public void Require() => Assert.True(Problem is null, Problem);

    public Task<ProcessOutput> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? env = null, string? stdin = null) =>
        ProcessRunner.RunAsync(Path, args, TimeSpan.FromSeconds(60), env, stdin);

    public Task<ProcessOutput> RunHookBinaryAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? env = null, string? stdin = null) =>
        ProcessRunner.RunAsync(HookPath, args, TimeSpan.FromSeconds(60), env, stdin);

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
