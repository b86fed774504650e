using FleetExporter.Subprocess;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>A private tmux server (its own -L socket, no user config), killed when the test ends.</summary>
public sealed class TmuxServer : IAsyncDisposable
{
    public string SocketName { get; } = "fxt-" + Guid.NewGuid().ToString("N")[..10];

    public IReadOnlyList<string> ServerArguments => ["-L", SocketName];

    /// <summary>Runs tmux against this server and fails the test on a non-zero exit.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var output = await ProcessRunner.RunAsync("tmux", ["-L", SocketName, "-f", "/dev/null", .. args], TimeSpan.FromSeconds(10));
        if (output.ExitCode != 0)
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} exited {output.ExitCode}: {output.StandardError}");
        return output.StandardOutput;
    }

    /// <summary>Runs tmux and returns the raw result, for tests that expect failures.</summary>
    public Task<ProcessOutput> TryRunAsync(params string[] args) =>
        ProcessRunner.RunAsync("tmux", ["-L", SocketName, "-f", "/dev/null", .. args], TimeSpan.FromSeconds(10));

    public Task NewSessionAsync(string name, string command, int width = 120, int height = 40) =>
        RunAsync("new-session", "-d", "-s", name, "-x", width.ToString(), "-y", height.ToString(), command);

    public async Task<string> CaptureAsync(string session) => await RunAsync("capture-pane", "-p", "-t", $"={session}:");

    public async Task<string> DisplayAsync(string session, string format) => (await RunAsync("display-message", "-p", "-t", $"={session}:", format)).TrimEnd('\n');

    /// <summary>Polls until the condition holds or the time is up; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync("tmux", ["-L", SocketName, "kill-server"], TimeSpan.FromSeconds(5));
    }
}
