using FleetExporter.Heartbeats;

namespace FleetExporter.Benchmarks;

/// <summary>
/// Real agents on the private managers: the shipped agent units (named for the run), each session running
/// <c>sleep</c>, and a fresh heartbeat file per agent. The fleet only grows (agents b00001.., started as the sizes
/// ask), and each size gets a roster of its first N agents.
/// </summary>
internal sealed class BenchFleet
{
    private readonly PrivateManagers _managers;
    private readonly string _work;
    private int _started;

    private BenchFleet(PrivateManagers managers, string work) => (_managers, _work) = (managers, work);

    public string HeartbeatDirectory => Path.Combine(_work, "hb");
    public string Unit(int i) => $"{_managers.Prefix}-agent@{Name(i)}.service";
    public static string Name(int i) => $"b{i:D5}";
    public string Work => _work;

    /// <summary>The shipped agent units for up to <paramref name="agents"/> agents, installed (not started).</summary>
    public static async Task<BenchFleet> CreateAsync(PrivateManagers managers, int agents)
    {
        // One pseudo-terminal per pane: the kernel's limit (4096 by default) caps the fleet below 10,000 agents.
        if (long.TryParse(File.ReadAllText("/proc/sys/kernel/pty/max").Trim(), out var ptyMax)
            && long.TryParse(File.ReadAllText("/proc/sys/kernel/pty/nr").Trim(), out var ptyUsed)
            && agents > ptyMax - ptyUsed)
            throw new InvalidOperationException($"{agents} agents need {agents} pseudo-terminals; kernel.pty.max is {ptyMax} and {ptyUsed} are in use (raise it with sysctl -w kernel.pty.max=N)");
        var fleet = new BenchFleet(managers, managers.Temp("fleet-bench-"));
        await managers.InstallFleetUnitsAsync(Enumerable.Range(1, agents).Select(Name), "sleep 100000");
        return fleet;
    }

    /// <summary>Starts agents up to <paramref name="agents"/> (one systemctl line per 100 units, each well within its 2-minute limit on a loaded machine), refreshes their heartbeats and writes the roster of the first N.</summary>
    public async Task<string> GrowAsync(int agents)
    {
        for (var from = _started + 1; from <= agents; from += 100)
        {
            var to = Math.Min(agents, from + 99);
            await _managers.SystemctlAsync(["start", .. Enumerable.Range(from, to - from + 1).Select(Unit)]);
        }
        // All of them afresh: starting a large fleet takes longer than a heartbeat stays fresh.
        for (var i = 1; i <= agents; i++)
            HeartbeatWriter.Write(Path.Combine(HeartbeatDirectory, Name(i) + ".hb"), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), Environment.ProcessId, "working", null);
        _started = Math.Max(_started, agents);

        var roster = Path.Combine(_work, $"roster-{agents}.yaml");
        await File.WriteAllTextAsync(roster, $$"""
            heartbeat: { dir: {{HeartbeatDirectory}}, interval: 30s }
            systemd: { unit_template: "{{_managers.Prefix}}-agent@{name}.service", linger_dir: {{_work}} }
            tmux: { socket_name: {{_managers.TmuxSocket}} }
            runtimes:
              sleeper: { commands: [sleep] }
            agents:
            {{string.Join("\n", Enumerable.Range(1, agents).Select(i => $"  - {{ name: {Name(i)}, runtime: sleeper }}"))}}
            """);
        return roster;
    }
}
