using FleetExporter.Demo;
using FleetExporter.Setup;
using FleetExporter.Subprocess;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// A real systemd user manager for the tests. Where one already answers (a developer's machine) it is used, with
/// unit names unique to this run; otherwise a private one is started in its own mount namespace, the recipe from
/// the environment notes: /run/systemd bind-mounted over an empty directory so that `systemd --user` starts
/// without systemd as PID 1. Units are removed and the private manager stopped at the end.
/// </summary>
public sealed class SystemdUserManager : IAsyncLifetime
{
    private PrivateUserManager? _manager;
    private string? _root;
    private readonly List<string> _unitFiles = [];

    /// <summary>A prefix unique to this test run, for unit names.</summary>
    public string Prefix { get; } = "fxt" + Guid.NewGuid().ToString("N")[..6];

    public string UnitDirectory { get; private set; } = "";
    public bool Private => _manager is not null;
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        if (await AnswersAsync())
        {
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } c ? c : Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".config");
            UnitDirectory = Path.Combine(config, "systemd", "user");
            Directory.CreateDirectory(UnitDirectory);
            return;
        }
        if (!File.Exists("/lib/systemd/systemd"))
        {
            Unavailable = "no /lib/systemd/systemd on this machine";
            return;
        }
        _root = Directory.CreateTempSubdirectory("fleet-test-systemd-").FullName;
        _manager = await PrivateUserManager.StartAsync(Path.Combine(_root, "run"), Path.Combine(_root, "config"), Path.Combine(_root, "mount"));
        UnitDirectory = Path.Combine(_root, "config", "systemd", "user");
        Directory.CreateDirectory(UnitDirectory);
        if (_manager is not null) return;
        Unavailable = "the private systemd user manager did not answer within 10 s";
    }

    private static Task<bool> AnswersAsync() => PrivateUserManager.AnswersAsync();

    /// <summary>Fails the test with the reason when no user manager can run here.</summary>
    public void Require() => Assert.True(Unavailable is null, Unavailable);

    public async Task<ProcessOutput> SystemctlAsync(params string[] args)
    {
        var r = await ProcessRunner.RunAsync("systemctl", ["--user", "--no-pager", .. args], TimeSpan.FromSeconds(20));
        return r;
    }

    public async Task MustAsync(params string[] args)
    {
        var r = await SystemctlAsync(args);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"systemctl --user {string.Join(' ', args)} exited {r.ExitCode}: {r.StandardError}");
    }

    /// <summary>
    /// <c>systemctl --user</c> as on a host where systemd is PID 1: enable and disable are then done by the manager,
    /// which tells its clients (<c>UnitFilesChanged</c>) and is reloaded. Outside the private manager's mount namespace
    /// there is no /run/systemd/system, so systemctl would edit the links itself and the manager would hear nothing.
    /// </summary>
    public async Task MustThroughManagerAsync(params string[] args)
    {
        if (!Private)
        {
            await MustAsync(args);
            return;
        }
        var pid = ManagerPid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var r = await ProcessRunner.RunAsync("nsenter", ["-t", pid, "-m", "systemctl", "--user", "--no-pager", .. args], TimeSpan.FromSeconds(20));
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"systemctl --user {string.Join(' ', args)} in the manager's namespace exited {r.ExitCode}: {r.StandardError}");
    }

    /// <summary>The process at the other end of the manager's private socket (SO_PEERCRED: pid, uid, gid).</summary>
    private static int ManagerPid()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")!, "systemd", "private")));
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(1 /* SOL_SOCKET */, 17 /* SO_PEERCRED */, credentials);
        return BitConverter.ToInt32(credentials[..4]);
    }

    /// <summary>Writes a unit file under this run's prefix and reloads the manager.</summary>
    public async Task WriteUnitAsync(string fileName, string content)
    {
        var path = Path.Combine(UnitDirectory, fileName);
        await File.WriteAllTextAsync(path, content);
        _unitFiles.Add(fileName);
        await MustAsync("daemon-reload");
    }

    /// <summary>
    /// A template whose instances behave like durable agents: a oneshot that starts a detached tmux session
    /// (on the given server) and stays active, stopping it again on stop.
    /// </summary>
    public Task WriteAgentTemplateAsync(string template, string tmuxSocketName, string paneCommand) =>
        WriteUnitAsync(template, $"""
            [Unit]
            Description=fleet test agent %i
            [Service]
            Type=oneshot
            RemainAfterExit=yes
            ExecStart=/usr/bin/tmux -L {tmuxSocketName} -f /dev/null new-session -d -s %i -x 200 -y 50 "{paneCommand}"
            ExecStop=-/usr/bin/tmux -L {tmuxSocketName} kill-session -t =%i
            [Install]
            WantedBy=default.target
            """);

    /// <summary>
    /// The shipped agent units (deploy/systemd, as the binary carries them) under this run's prefix: a tmux unit owning
    /// the server <c>-L PREFIX-NAME</c> and the template <c>PREFIX-NAME@.service</c>, reading each agent's
    /// <c>AGENT.env</c> from <paramref name="agentEnvironmentDirectory"/>. Installed and loaded, not started.
    /// </summary>
    public async Task<UnitLayout> InstallFleetUnitsAsync(string name, string agentEnvironmentDirectory)
    {
        var layout = UnitLayout.Named($"{Prefix}-{name}-tmux.service", $"{Prefix}-{name}@.service", ["-L", $"{Prefix}-{name}"], agentEnvironmentDirectory);
        foreach (var unit in FleetUnits.Render(layout))
            await WriteUnitAsync(unit.Name, unit.Text);
        return layout;
    }

    /// <summary>One property of a unit, as <c>systemctl show -p NAME --value</c> prints it.</summary>
    public async Task<string> PropertyAsync(string unit, string property) =>
        (await SystemctlAsync("show", "-p", property, "--value", unit)).StandardOutput.Trim();

    public async Task DisposeAsync()
    {
        foreach (var file in _unitFiles)
        {
            if (file.Contains('@')) continue;
            await SystemctlAsync("disable", "--now", file);
        }
        var stop = await SystemctlAsync("list-units", "--all", "--plain", "--no-legend", Prefix + "*");
        foreach (var line in stop.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var unit = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            await SystemctlAsync("disable", "--now", unit);
        }
        foreach (var file in _unitFiles)
            File.Delete(Path.Combine(UnitDirectory, file));
        await SystemctlAsync("daemon-reload");
        if (_manager is not null) await _manager.DisposeAsync();
        if (_root is not null)
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemdCollection : ICollectionFixture<SystemdUserManager>
{
    public const string Name = "systemd user manager";
}
