using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// A real fleet on this machine: one enabled systemd user unit per agent that starts the agent's tmux session
/// (running `sleep`, the roster's runtime), a linger flag for the user, heartbeats written by the product's own
/// writer every half interval (<see cref="HeartbeatLoop"/>), and the real exporter serving it all.
/// </summary>
public sealed class LiveFleet : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string Host = "fleet-test-host";

    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private readonly Dictionary<string, HeartbeatLoop> _beats = [];

    public TimeSpan HeartbeatInterval { get; }
    public string RosterPath => _dir.File("roster.yaml");
    public ServeProcess Serve { get; private set; } = null!;
    public string HeartbeatDir => _dir.File("run");

    private LiveFleet(TimeSpan interval) => HeartbeatInterval = interval;

    /// <summary>Starts every agent's unit; <paramref name="beating"/> agents also heartbeat from the start.</summary>
    public static async Task<LiveFleet> StartAsync(SystemdUserManager systemd, IReadOnlyList<string> agents, IReadOnlyList<string> beating, TimeSpan interval)
    {
        systemd.Require();
        var fleet = new LiveFleet(interval);
        var template = $"{systemd.Prefix}-{Guid.NewGuid().ToString("N")[..4]}@.service";
        await systemd.WriteAgentTemplateAsync(template, fleet._tmux.SocketName, "sleep 86400");
        fleet._dir.Write($"linger/{Environment.UserName}", "");
        Directory.CreateDirectory(fleet.HeartbeatDir);
        var roster = fleet._dir.Write("roster.yaml", $"""
            tenant: {Tenant}
            host: {Host}
            heartbeat:
              dir: {fleet.HeartbeatDir}
              interval: {(int)interval.TotalSeconds}s
            systemd:
              scope: user
              unit_template: "{template.Replace("@.service", "@{name}.service")}"
              linger_dir: {fleet._dir.File("linger")}
            tmux:
              socket_name: {fleet._tmux.SocketName}
            runtimes:
              sleeper: {"{"} commands: [sleep] {"}"}
            agents:
            {string.Join("\n", agents.Select(a => $"  - {{ name: {a}, runtime: sleeper }}"))}
            """);
        foreach (var agent in agents)
            await systemd.MustAsync("enable", "--now", template.Replace("@.service", $"@{agent}.service"));
        foreach (var agent in beating) fleet._beats[agent] = new HeartbeatLoop(Path.Combine(fleet.HeartbeatDir, agent + ".hb"), interval);
        fleet.Serve = await ServeProcess.StartAsync("serve", ["--roster", roster]);
        return fleet;
    }

    /// <summary>The agent's hook reports one event, through the real `fleet-exporter hook` (the payload on its stdin).</summary>
    public async Task ReportAsync(string agent, string runtime, string payload)
    {
        var r = await FleetBinary.RunAsync(["hook", agent, "--runtime", runtime, "--roster", RosterPath], stdin: payload);
        if (r.ExitCode != 0 || r.StandardOutput.Length > 0 || r.StandardError.Length > 0)
            throw new InvalidOperationException($"hook for {agent} exited {r.ExitCode}: {r.StandardOutput}{r.StandardError}");
    }

    /// <summary>The agent goes silent; returns the time of its last heartbeat (the file's <c>ts</c>).</summary>
    public async Task<DateTimeOffset> StopBeatingAsync(string agent)
    {
        await using var loop = _beats[agent];
        _beats.Remove(agent);
        return await loop.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _beats.Values) await loop.DisposeAsync();
        if (Serve is not null) await Serve.DisposeAsync();
        await _tmux.DisposeAsync();
        _dir.Dispose();
    }
}
