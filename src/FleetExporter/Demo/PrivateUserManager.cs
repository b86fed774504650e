using CliWrap;
using FleetExporter.Subprocess;

namespace FleetExporter.Demo;

/// <summary>
/// A systemd user manager for the demo when none answers (containers, CI): `systemd --user` in its own mount
/// namespace, with /run/systemd bind-mounted over an empty directory so it starts without systemd as PID 1.
/// Needs root (for unshare -m). Nothing outside that namespace changes; stopping it ends it.
/// </summary>
public sealed class PrivateUserManager : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private PrivateUserManager(CancellationTokenSource stop, Task running)
    {
        _stop = stop;
        _running = running;
    }

    public static async Task<bool> AnswersAsync()
    {
        try
        {
            var r = await ProcessRunner.RunAsync("systemctl", ["--user", "list-units", "--no-pager", "--no-legend", "default.target"], TimeSpan.FromSeconds(5));
            return r.ExitCode == 0;
        }
        catch (ProcessRunException) { return false; }
    }

    public static bool CanStart => Environment.UserName == "root" && File.Exists("/lib/systemd/systemd");

    /// <summary>Starts one with the given runtime and config directories, which this process then uses too.</summary>
    public static async Task<PrivateUserManager?> StartAsync(string runtimeDir, string configDir, string mountDir)
    {
        Directory.CreateDirectory(Path.Combine(mountDir, "system"));
        Directory.CreateDirectory(runtimeDir);
        File.SetUnixFileMode(runtimeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(configDir);
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", runtimeDir);
        Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", configDir);
        var stop = new CancellationTokenSource();
        // Long-running on purpose: CliWrap kills it when the token is cancelled.
        var running = CliWrap.Cli.Wrap("setsid")
            .WithArguments(["unshare", "-m", "sh", "-c", "mount --bind \"$0\" /run/systemd && exec /lib/systemd/systemd --user", mountDir])
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(stop.Token).Task;
        var manager = new PrivateUserManager(stop, running);
        for (var i = 0; i < 100; i++)
        {
            if (await AnswersAsync()) return manager;
            if (running.IsCompleted) break;
            await Task.Delay(100);
        }
        await manager.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        // Ask it to exit cleanly first (it stops its units), then make sure.
        await ProcessRunner.RunAsync("systemctl", ["--user", "exit"], TimeSpan.FromSeconds(5));
        await Task.WhenAny(_running, Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Cancel();
        try { await _running; }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
