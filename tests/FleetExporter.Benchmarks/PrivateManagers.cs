using System.Diagnostics;
using FleetExporter.Setup;
using FleetExporter.Subprocess;

namespace FleetExporter.Benchmarks;

/// <summary>
/// A private systemd user manager (the recipe in the environment notes: its own mount namespace with /run/systemd
/// bound over an empty directory) and the shipped agent units on a private tmux server, all removed at the end. An already answering user
/// manager is used instead, with unit names unique to this run.
/// </summary>
internal sealed class PrivateManagers : IAsyncDisposable
{
    private Process? _manager;
    private readonly List<string> _dirs = [];

    public string UnitDirectory { get; private set; } = "";
    public string TmuxSocket { get; } = "fxb-" + Guid.NewGuid().ToString("N")[..8];
    public string Prefix { get; } = "fxb" + Guid.NewGuid().ToString("N")[..6];

    public static async Task<PrivateManagers> StartAsync()
    {
        var m = new PrivateManagers();
        string config;
        if (!await AnswersAsync())
        {
            var runtime = m.Temp("fleet-bench-run-");
            File.SetUnixFileMode(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            config = m.Temp("fleet-bench-config-");
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", runtime);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", config);
            m._manager = Process.Start(new ProcessStartInfo("setsid")
            {
                ArgumentList = { "unshare", "-m", "sh", "-c", "d=$(mktemp -d); mkdir -p \"$d/system\"; mount --bind \"$d\" /run/systemd && exec /lib/systemd/systemd --user" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await AnswersAsync())
            {
                if (DateTime.UtcNow > deadline || m._manager.HasExited) throw new InvalidOperationException("the private systemd user manager did not start");
                await Task.Delay(100);
            }
        }
        else
        {
            config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } c ? c : Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".config");
        }
        m.UnitDirectory = Path.Combine(config, "systemd", "user");
        Directory.CreateDirectory(m.UnitDirectory);
        return m;
    }

    /// <summary>
    /// The shipped agent units (deploy/systemd, as the binary carries them), named for this run: a tmux unit owning
    /// <see cref="TmuxSocket"/>'s server and the template <c>PREFIX-agent@.service</c>, each agent running
    /// <paramref name="command"/>. Installed and loaded, not started.
    /// </summary>
    public async Task<UnitLayout> InstallFleetUnitsAsync(IEnumerable<string> agents, string command)
    {
        var envDirectory = Temp("fleet-bench-agents-");
        var layout = UnitLayout.Named($"{Prefix}-tmux.service", $"{Prefix}-agent@.service", ["-L", TmuxSocket], envDirectory);
        foreach (var agent in agents)
            await File.WriteAllTextAsync(Path.Combine(envDirectory, agent + ".env"), AgentEnvironmentFile.Render(agent, command, envDirectory));
        foreach (var unit in FleetUnits.Render(layout))
            await File.WriteAllTextAsync(Path.Combine(UnitDirectory, unit.Name), unit.Text);
        await SystemctlAsync("daemon-reload");
        return layout;
    }

    public string Temp(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        _dirs.Add(dir);
        return dir;
    }

    private static async Task<bool> AnswersAsync()
    {
        try { return (await ProcessRunner.RunAsync("systemctl", ["--user", "list-units", "--no-pager", "--no-legend", "default.target"], TimeSpan.FromSeconds(5))).ExitCode == 0; }
        catch (ProcessRunException) { return false; }
    }

    public async Task MustAsync(string program, params string[] args)
    {
        var r = await ProcessRunner.RunAsync(program, args, TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args.Take(4))} ... exited {r.ExitCode}: {r.StandardError}");
    }

    public Task SystemctlAsync(params string[] args) => MustAsync("systemctl", ["--user", "--no-pager", .. args]);

    public async ValueTask DisposeAsync()
    {
        // A step that fails or times out (a loaded machine) must not leave the manager running.
        try { await SystemctlAsync("stop", $"{Prefix}-*"); } catch (Exception e) when (e is InvalidOperationException or ProcessRunException) { }
        foreach (var f in Directory.EnumerateFiles(UnitDirectory, Prefix + "*")) File.Delete(f);
        try { await SystemctlAsync("daemon-reload"); } catch (Exception e) when (e is InvalidOperationException or ProcessRunException) { }
        try { await ProcessRunner.RunAsync("tmux", ["-L", TmuxSocket, "kill-server"], TimeSpan.FromMinutes(1)); } catch (ProcessRunException) { }
        if (_manager is { HasExited: false })
        {
            _manager.Kill(entireProcessTree: true);
            await _manager.WaitForExitAsync();
        }
        foreach (var d in _dirs)
            try { Directory.Delete(d, recursive: true); } catch (IOException) { }
    }
}
