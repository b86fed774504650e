using System.Globalization;
using System.Text;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Fleet;

/// <summary>
/// A small real fleet for one test: a <see cref="FleetRig"/> (private tmux server, heartbeat and linger directories,
/// roster file) and a unit template on the shared systemd user manager whose instances start
/// <c>sh scripts/NAME.sh</c> in a session NAME.
/// </summary>
internal sealed class TestFleet : IAsyncDisposable
{
    private readonly SystemdUserManager _systemd;
    private readonly List<string> _enabled = [];
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private readonly FleetRig _rig = new();

    public TempDirectory Dir => _rig.Dir;
    public TmuxServer Tmux => _rig.Tmux;
    public string HeartbeatDir => _rig.HeartbeatDir;
    public string LingerDir => _rig.LingerDir;
    public string RosterPath => _rig.RosterPath;
    public string UnitPrefix => $"{_systemd.Prefix}-{_id}";
    public string Template => $"{UnitPrefix}-agent@.service";

    private TestFleet(SystemdUserManager systemd) => _systemd = systemd;

    /// <summary>The tmux server is started by the test (holding a keeper session), so stopping a unit cannot take it down.</summary>
    public static async Task<TestFleet> CreateAsync(SystemdUserManager systemd, bool linger = true, bool remainOnExit = false)
    {
        systemd.Require();
        var fleet = new TestFleet(systemd);
        if (linger) fleet._rig.Linger();
        await fleet.Tmux.NewSessionAsync("keeper", "sleep 100000");
        if (remainOnExit) await fleet.Tmux.RunAsync("set-option", "-g", "remain-on-exit", "on");
        await systemd.WriteAgentTemplateAsync(fleet.Template, fleet.Tmux.SocketName, $"sh {fleet.Dir.Path}/scripts/%i.sh");
        return fleet;
    }

    public string Unit(string agent) => $"{UnitPrefix}-agent@{agent}.service";

    /// <summary>What the agent's pane runs (a shell script), for when its unit starts.</summary>
    public void Script(string agent, string body) => Dir.Write($"scripts/{agent}.sh", body + "\n");

    public Task StartAsync(params string[] agents) => _systemd.MustAsync(["start", .. agents.Select(Unit)]);

    public Task StopAsync(params string[] agents) => _systemd.MustAsync(["stop", .. agents.Select(Unit)]);

    public async Task EnableAsync(params string[] agents)
    {
        await _systemd.MustAsync(["enable", .. agents.Select(Unit)]);
        _enabled.AddRange(agents.Select(Unit));
    }

    /// <summary>
    /// Writes the roster: runtime <c>sleeper</c> is the <c>sleep</c> command, interval 2 s; <c>screened</c> is the
    /// same command with screen patterns (a line starting <c>ready></c> is idle, <c>approve?</c> is waiting).
    /// </summary>
    public FleetRoster Roster(string agentsYaml, string? socketName = null, string? moreRuntimes = null) =>
        _rig.WriteRoster(Spec(agentsYaml, socketName, moreRuntimes));

    /// <summary><paramref name="moreRuntimes"/>: further <c>runtimes:</c> entries, each a line indented two spaces.</summary>
    private RosterSpec Spec(string agentsYaml, string? socketName = null, string? moreRuntimes = null) => _rig.Spec with
    {
        Tenant = "t1", Host = "testhost", Interval = TimeSpan.FromSeconds(2),
        UnitTemplate = $"{UnitPrefix}-agent@{{name}}.service", LingerDir = LingerDir,
        TmuxSocket = socketName ?? Tmux.SocketName,
        Runtimes = [RosterSpec.Sleeper, ("screened", "{ commands: [sleep], states: { waiting: ['^approve\\?'], idle: ['^ready>'] } }")],
        RuntimeLines = moreRuntimes,
        AgentLines = agentsYaml,
    };

    /// <summary>
    /// Waits until each agent's runtime runs in its pane: `systemctl start` returns once the session exists, a
    /// moment before the pane's shell has exec'd (or forked) the runtime.
    /// </summary>
    public async Task WaitForRuntimeAsync(params string[] agents)
    {
        var roster = Spec(Agents(agents)).Parse("(wait)");
        IReadOnlyList<AgentStatus> waiting = [];
        await TmuxServer.EventuallyAsync(async () =>
        {
            waiting = (await CollectAsync(roster)).Agents.Where(a => a.Processes?.Runtime is null).ToList();
            return waiting.Count == 0;
        }, TimeSpan.FromSeconds(30));
        Assert.True(waiting.Count == 0, "runtimes that never ran: " +
            string.Join("; ", waiting.Select(a => $"{a.Spec.Name} ({string.Join(" ", a.Processes?.TreeCommands ?? [])})")));
    }

    public static string Agents(params string[] names) =>
        string.Join("\n", names.Select(n => $"  - {{ name: {n}, runtime: sleeper }}"));

    public Task<FleetSnapshot> CollectAsync(FleetRoster roster, FleetJoin? join = null) =>
        (join ?? FleetJoin.CreateDefault()).CollectAsync(roster);

    /// <summary>Collects until the agent's status satisfies the check (or time is up); returns the last status.</summary>
    public async Task<AgentStatus> EventuallyAsync(FleetRoster roster, string agent, Func<AgentStatus, bool> check, TimeSpan? within = null)
    {
        AgentStatus? last = null;
        await TmuxServer.EventuallyAsync(async () =>
        {
            last = (await CollectAsync(roster)).Agents.Single(a => a.Spec.Name == agent);
            return check(last);
        }, within ?? TimeSpan.FromSeconds(10));
        return last!;
    }

    /// <summary>A heartbeat written as an agent would: through the real binary.</summary>
    public Task BeatAsync(string agent) => _rig.BeatAsync(agent);

    public string WriteHeartbeat(string agent, string content) => Dir.Write($"hb/{agent}.hb", content);

    public string WriteHeartbeat(string agent, byte[] content)
    {
        var path = Path.Combine(HeartbeatDir, agent + ".hb");
        File.WriteAllBytes(path, content);
        return path;
    }

    public static string HeartbeatJson(DateTimeOffset ts) =>
        $"{{\"v\":1,\"ts\":{(ts.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)}}}\n";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public async ValueTask DisposeAsync()
    {
        if (_enabled.Count > 0) await _systemd.SystemctlAsync(["disable", .. _enabled]);
        await _systemd.SystemctlAsync("stop", $"{UnitPrefix}-*");
        await _rig.DisposeAsync();
    }
}
