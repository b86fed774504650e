using CliWrap;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Federation;

/// <summary>One agent of a <see cref="PrivateHost"/>: enabled or only started, beating or silent, its runtime in its pane or not.</summary>
public sealed record HostAgent(string Name, bool Enabled = true, bool Beating = true, bool Drifted = false);

/// <summary>
/// A "host" of its own on this machine: its own systemd user manager (its own runtime and config directories, in a
/// mount namespace of its own, as <see cref="SystemdUserManager"/> starts one), its own tmux server, a roster with its
/// own <c>host</c> and tenant, heartbeats from the product's writer, and its own <c>fleet-exporter serve</c>, which
/// reaches only this manager (its environment names this host's directories). Needs root, as a private manager does.
/// </summary>
public sealed class PrivateHost : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private readonly Dictionary<string, HeartbeatLoop> _beats = [];
    private CancellationTokenSource? _stopManager;
    private Task? _manager;

    public string Name { get; }
    public string Tenant { get; }
    public ServeProcess? Serve { get; private set; }
    public string RosterPath => _dir.File("roster.yaml");
    private string RuntimeDir => _dir.File("run");
    private string ConfigDir => _dir.File("config");

    /// <summary>What every client of this host's user manager needs: systemctl and the exporter alike.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = RuntimeDir, ["XDG_CONFIG_HOME"] = ConfigDir };

    private PrivateHost(string name, string tenant) { Name = name; Tenant = tenant; }

    public static async Task<PrivateHost> StartAsync(string name, string tenant, IReadOnlyList<HostAgent> agents, TimeSpan interval)
    {
        Assert.True(System.Environment.UserName == "root" && File.Exists("/lib/systemd/systemd"),
            "a private systemd user manager per host needs root and /lib/systemd/systemd (tests/run.sh runs as root on CI)");
        var host = new PrivateHost(name, tenant);
        try
        {
            await host.StartManagerAsync();
            var template = $"fxh-{host._tmux.SocketName}@.service";
            await host.WriteUnitAsync(template, $"""
                [Unit]
                Description=fleet test agent %i on {name}
                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=/usr/bin/tmux -L {host._tmux.SocketName} -f /dev/null new-session -d -s %i -x 200 -y 50 "sleep 86400"
                ExecStop=-/usr/bin/tmux -L {host._tmux.SocketName} kill-session -t =%i
                [Install]
                WantedBy=default.target
                """);
            host._dir.Write($"linger/{System.Environment.UserName}", "");
            Directory.CreateDirectory(host._dir.File("heartbeats"));
            // A drifted agent's roster runtime (nano) is not what runs in its pane (sleep).
            host._dir.Write("roster.yaml", $"""
                tenant: {tenant}
                host: {name}
                heartbeat:
                  dir: {host._dir.File("heartbeats")}
                  interval: {(int)interval.TotalSeconds}s
                systemd:
                  scope: user
                  unit_template: "{template.Replace("@.service", "@{name}.service")}"
                  linger_dir: {host._dir.File("linger")}
                tmux:
                  socket_name: {host._tmux.SocketName}
                runtimes:
                  sleeper: {"{"} commands: [sleep] {"}"}
                  editor: {"{"} commands: [nano] {"}"}
                agents:
                {string.Join("\n", agents.Select(a => $"  - {{ name: {a.Name}, runtime: {(a.Drifted ? "editor" : "sleeper")} }}"))}
                """);
            foreach (var a in agents)
                await host.MustAsync(a.Enabled ? ["enable", "--now", template.Replace("@.service", $"@{a.Name}.service")] : ["start", template.Replace("@.service", $"@{a.Name}.service")]);
            foreach (var a in agents.Where(a => a.Beating))
                host._beats[a.Name] = new HeartbeatLoop(Path.Combine(host._dir.File("heartbeats"), a.Name + ".hb"), interval);
            host.Serve = await ServeProcess.StartAsync("serve", ["--roster", host.RosterPath], host.Environment);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task StartManagerAsync()
    {
        var mount = _dir.File("mount");
        Directory.CreateDirectory(Path.Combine(mount, "system"));
        Directory.CreateDirectory(RuntimeDir);
        File.SetUnixFileMode(RuntimeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(ConfigDir, "systemd", "user"));
        _stopManager = new CancellationTokenSource();
        _manager = CliWrap.Cli.Wrap("setsid")
            .WithArguments(["unshare", "-m", "sh", "-c", "mount --bind \"$0\" /run/systemd && exec /lib/systemd/systemd --user", mount])
            .WithEnvironmentVariables(Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_stopManager.Token).Task;
        for (var i = 0; i < 100; i++)
        {
            if ((await SystemctlAsync("list-units", "--no-legend", "default.target")).ExitCode == 0) return;
            if (_manager.IsCompleted) break;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the private user manager of {Name} did not answer within 10 s");
    }

    public Task<ProcessOutput> SystemctlAsync(params string[] args) =>
        ProcessRunner.RunAsync("systemctl", ["--user", "--no-pager", .. args], TimeSpan.FromSeconds(20), Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));

    private async Task MustAsync(params string[] args)
    {
        var r = await SystemctlAsync(args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{Name}: systemctl --user {string.Join(' ', args)} exited {r.ExitCode}: {r.StandardError}");
    }

    private async Task WriteUnitAsync(string file, string content)
    {
        await File.WriteAllTextAsync(Path.Combine(ConfigDir, "systemd", "user", file), content);
        await MustAsync("daemon-reload");
    }

    /// <summary>The agent goes silent; returns the time of its last heartbeat.</summary>
    public async Task<DateTimeOffset> StopBeatingAsync(string agent)
    {
        await using var loop = _beats[agent];
        _beats.Remove(agent);
        return await loop.StopAsync();
    }

    /// <summary>Stops this host's exporter (Ctrl-C); its agents keep running.</summary>
    public async Task StopServeAsync()
    {
        if (Serve is null) return;
        await Serve.InterruptAsync(TimeSpan.FromSeconds(30));
        await Serve.DisposeAsync();
        Serve = null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _beats.Values) await loop.DisposeAsync();
        if (Serve is not null) await Serve.DisposeAsync();
        if (_manager is not null)
        {
            await SystemctlAsync("exit");
            await Task.WhenAny(_manager, Task.Delay(TimeSpan.FromSeconds(5)));
            await _stopManager!.CancelAsync();
            try { await _manager; } catch (OperationCanceledException) { }
        }
        _stopManager?.Dispose();
        await _tmux.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>Several <see cref="PrivateHost"/>s started side by side and disposed together (also when one fails to start).</summary>
public sealed class PrivateHosts(IReadOnlyList<PrivateHost> hosts) : IAsyncDisposable
{
    public PrivateHost this[int i] => hosts[i];

    public static async Task<PrivateHosts> StartAsync(TimeSpan interval, params (string Name, string Tenant, HostAgent[] Agents)[] specs)
    {
        var starting = specs.Select(s => PrivateHost.StartAsync(s.Name, s.Tenant, s.Agents, interval)).ToList();
        try { return new PrivateHosts(await Task.WhenAll(starting)); }
        catch
        {
            foreach (var started in starting)
            {
                try { await (await started).DisposeAsync(); }
                catch (Exception e) when (e is InvalidOperationException or Xunit.Sdk.XunitException or ProcessRunException) { }
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts) await host.DisposeAsync();
    }
}
