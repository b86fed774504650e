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
    private readonly FleetRig _rig = new();
    private CancellationTokenSource? _stopManager;
    private Task? _manager;

    public string Name { get; }
    public string Tenant { get; }
    public ServeProcess? Serve => _rig.Serve;
    public string RosterPath => _rig.RosterPath;
    public string HeartbeatDir => _rig.HeartbeatDir;
    private string RuntimeDir => _rig.Dir.File("run");
    private string ConfigDir => _rig.Dir.File("config");

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
            var rig = host._rig;
            var template = $"fxh-{rig.Tmux.SocketName}@.service";
            await host.WriteUnitAsync(template, $"""
                [Unit]
                Description=fleet test agent %i on {name}
                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=/usr/bin/tmux -L {rig.Tmux.SocketName} -f /dev/null new-session -d -s %i -x 200 -y 50 "sleep 86400"
                ExecStop=-/usr/bin/tmux -L {rig.Tmux.SocketName} kill-session -t =%i
                [Install]
                WantedBy=default.target
                """);
            rig.Linger();
            // A drifted agent's roster runtime (nano) is not what runs in its pane (sleep).
            rig.WriteRoster(rig.Spec with
            {
                Tenant = tenant, Host = name, Interval = interval, Scope = "user",
                UnitTemplate = template.Replace("@.service", "@{name}.service"), LingerDir = rig.LingerDir,
                Runtimes = [RosterSpec.Sleeper, ("editor", "{ commands: [nano] }")],
                Agents = [.. agents.Select(a => new RosterAgent(a.Name, a.Drifted ? "editor" : "sleeper"))],
            });
            foreach (var a in agents)
                await host.MustAsync(a.Enabled ? ["enable", "--now", template.Replace("@.service", $"@{a.Name}.service")] : ["start", template.Replace("@.service", $"@{a.Name}.service")]);
            foreach (var a in agents.Where(a => a.Beating)) rig.StartBeating(a.Name, interval);
            await rig.ServeAsync(host.Environment);
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
        var mount = _rig.Dir.File("mount");
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
    public Task<DateTimeOffset> StopBeatingAsync(string agent) => _rig.StopBeatingAsync(agent);

    /// <summary>Stops this host's exporter (Ctrl-C); its agents keep running.</summary>
    public Task StopServeAsync() => _rig.StopServeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_manager is not null)
        {
            await SystemctlAsync("exit");
            await Task.WhenAny(_manager, Task.Delay(TimeSpan.FromSeconds(5)));
            await _stopManager!.CancelAsync();
            try { await _manager; } catch (OperationCanceledException) { }
        }
        _stopManager?.Dispose();
        await _rig.DisposeAsync();
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
