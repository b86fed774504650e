using FleetExporter.Roster;
using FleetExporter.Subprocess;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// The one way these tests build a fleet: a temporary directory, a private tmux server, the roster file (written from a
/// <see cref="RosterSpec"/>), the agents' heartbeats (once, or beating in a loop), the real binary run against the
/// roster and the exporter serving it, all removed together. The kinds of fleet are this rig plus what is theirs:
/// <c>TestFleet</c> (units from a template on the shared user manager), <c>LiveFleet</c> (the same, served, for paging),
/// <c>OperatorRig</c> (panes only, for send and watch), <c>UnitFleet</c> (the shipped units) and <c>PrivateHost</c> (a
/// user manager of its own).
/// </summary>
public sealed class FleetRig : IAsyncDisposable
{
    private readonly Dictionary<string, HeartbeatLoop> _beats = [];

    public TempDirectory Dir { get; } = new();
    public TmuxServer Tmux { get; } = new();
    public string RosterPath => Dir.File("roster.yaml");
    public string HeartbeatDir => Dir.File("hb");
    public string LingerDir => Dir.File("linger");
    public string JournalPath => Dir.File("sends.jsonl");
    public ServeProcess? Serve { get; private set; }

    public FleetRig()
    {
        Directory.CreateDirectory(HeartbeatDir);
        Directory.CreateDirectory(LingerDir);
    }

    /// <summary>A roster of this rig's heartbeat directory and tmux server; the test adds the rest.</summary>
    public RosterSpec Spec => new() { HeartbeatDir = HeartbeatDir, TmuxSocket = Tmux.SocketName };

    public FleetRoster WriteRoster(RosterSpec spec)
    {
        File.WriteAllText(RosterPath, spec.Yaml());
        return RosterLoader.LoadFile(RosterPath);
    }

    /// <summary>The user lingers (a file named after them in <see cref="LingerDir"/>, as logind keeps it).</summary>
    public void Linger() => Dir.Write(Path.Combine("linger", Environment.UserName), "");

    public string HeartbeatFile(string agent) => Path.Combine(HeartbeatDir, agent + ".hb");

    /// <summary>The agent beats from now on through the product's writer (<see cref="HeartbeatLoop"/>).</summary>
    public void StartBeating(string agent, TimeSpan interval) => _beats[agent] = new HeartbeatLoop(HeartbeatFile(agent), interval);

    /// <summary>The agent goes silent; returns the time of its last heartbeat (the file's <c>ts</c>).</summary>
    public async Task<DateTimeOffset> StopBeatingAsync(string agent)
    {
        await using var loop = _beats[agent];
        _beats.Remove(agent);
        return await loop.StopAsync();
    }

    /// <summary>The command line with <c>--roster</c> this rig's roster: in this process when it may (<see cref="InProcessCli"/>), else the real binary.</summary>
    public Task<ProcessOutput> FleetAsync(params string[] args) => InProcessCli.RunOrSpawnAsync(["--roster", RosterPath, .. args]);

    /// <summary>A heartbeat written as an agent's wrapper would, by the <c>heartbeat</c> command (in this process).</summary>
    public async Task BeatAsync(string agent)
    {
        var r = await InProcessCli.RunAsync(["heartbeat", agent, "--roster", RosterPath]);
        Assert.True(r.ExitCode == 0, $"heartbeat exited {r.ExitCode}: {r.StandardError}");
    }

    /// <summary>The agent's hook reports one event, through the real <c>fleet-exporter hook</c> (the payload on its stdin).</summary>
    public async Task ReportAsync(string agent, string runtime, string payload)
    {
        var r = await FleetBinary.RunAsync(["hook", agent, "--runtime", runtime, "--roster", RosterPath], stdin: payload);
        if (r.ExitCode != 0 || r.StandardOutput.Length > 0 || r.StandardError.Length > 0)
            throw new InvalidOperationException($"hook for {agent} exited {r.ExitCode}: {r.StandardOutput}{r.StandardError}");
    }

    /// <summary><c>fleet-exporter serve</c> on this rig's roster (a free port of its own).</summary>
    public async Task<ServeProcess> ServeAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        Serve = await ServeProcess.StartAsync("serve", ["--roster", RosterPath], environment);
        return Serve;
    }

    /// <summary>Stops the exporter (Ctrl-C); the agents keep running.</summary>
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
        _beats.Clear();
        if (Serve is not null) await Serve.DisposeAsync();
        await Tmux.DisposeAsync();
        Dir.Dispose();
    }
}
