using FleetExporter.Sources.Heartbeats;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// A real fleet on this machine: one enabled systemd user unit per agent that starts the agent's tmux session
/// (running `sleep`, the roster's runtime), a linger flag for the user, heartbeats written by the product's own
/// writer every interval, and the real exporter serving it all.
/// </summary>
public sealed class LiveFleet : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string Host = "fleet-test-host";

    private readonly TempDirectory _dir = new();
    private readonly TmuxServer _tmux = new();
    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Loop)> _beats = [];
    private readonly Dictionary<string, DateTimeOffset> _lastBeat = [];
    private readonly Lock _gate = new();

    public TimeSpan HeartbeatInterval { get; }
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
        foreach (var agent in beating) fleet.StartBeating(agent);
        fleet.Serve = await ServeProcess.StartAsync("serve", ["--roster", roster]);
        return fleet;
    }

    private void StartBeating(string agent)
    {
        var stop = new CancellationTokenSource();
        var file = Path.Combine(HeartbeatDir, agent + ".hb");
        var loop = Task.Run(async () =>
        {
            long seq = 0;
            while (!stop.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow;
                HeartbeatWriter.Write(file, now, HeartbeatInterval, pid: null, status: null, previousSeq: seq++);
                lock (_gate) _lastBeat[agent] = now;
                try { await Task.Delay(HeartbeatInterval, stop.Token); }
                catch (OperationCanceledException) { }
            }
        });
        _beats[agent] = (stop, loop);
    }

    /// <summary>The agent goes silent; returns the time of its last heartbeat (the file's <c>ts</c>).</summary>
    public async Task<DateTimeOffset> StopBeatingAsync(string agent)
    {
        var (stop, loop) = _beats[agent];
        await stop.CancelAsync();
        await loop;
        _beats.Remove(agent);
        lock (_gate) return DateTimeOffset.FromUnixTimeMilliseconds(_lastBeat[agent].ToUnixTimeMilliseconds());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, loop) in _beats.Values)
        {
            await stop.CancelAsync();
            await loop;
        }
        if (Serve is not null) await Serve.DisposeAsync();
        await _tmux.DisposeAsync();
        _dir.Dispose();
    }
}
