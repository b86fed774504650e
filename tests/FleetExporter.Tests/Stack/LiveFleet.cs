using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>
/// A real fleet on this machine (a <see cref="FleetRig"/>): one enabled systemd user unit per agent that starts the
/// agent's tmux session (running `sleep`, the roster's runtime), a linger flag for the user, heartbeats written by
/// the product's own writer every half interval (<see cref="HeartbeatLoop"/>), and the real exporter serving it all.
/// </summary>
public sealed class LiveFleet : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string Host = "fleet-test-host";

    private readonly FleetRig _rig = new();

    public TimeSpan HeartbeatInterval { get; }
    public string RosterPath => _rig.RosterPath;
    public ServeProcess Serve => _rig.Serve!;
    public string HeartbeatDir => _rig.HeartbeatDir;

    private LiveFleet(TimeSpan interval) => HeartbeatInterval = interval;

    /// <summary>Starts every agent's unit; <paramref name="beating"/> agents also heartbeat from the start.</summary>
    public static async Task<LiveFleet> StartAsync(SystemdUserManager systemd, IReadOnlyList<string> agents, IReadOnlyList<string> beating, TimeSpan interval)
    {
        systemd.Require();
        var fleet = new LiveFleet(interval);
        var rig = fleet._rig;
        var template = $"{systemd.Prefix}-{Guid.NewGuid().ToString("N")[..4]}@.service";
        await systemd.WriteAgentTemplateAsync(template, rig.Tmux.SocketName, "sleep 86400");
        rig.Linger();
        rig.WriteRoster((rig.Spec with
        {
            Tenant = Tenant, Host = Host, Interval = interval, Scope = "user",
            UnitTemplate = template.Replace("@.service", "@{name}.service"), LingerDir = rig.LingerDir,
            Runtimes = [RosterSpec.Sleeper],
        }).WithAgents([.. agents]));
        foreach (var agent in agents)
            await systemd.MustAsync("enable", "--now", template.Replace("@.service", $"@{agent}.service"));
        foreach (var agent in beating) rig.StartBeating(agent, interval);
        await rig.ServeAsync();
        return fleet;
    }

    /// <summary>The agent's hook reports one event, through the real `fleet-exporter hook` (the payload on its stdin).</summary>
    public Task ReportAsync(string agent, string runtime, string payload) => _rig.ReportAsync(agent, runtime, payload);

    /// <summary>The agent goes silent; returns the time of its last heartbeat (the file's <c>ts</c>).</summary>
    public Task<DateTimeOffset> StopBeatingAsync(string agent) => _rig.StopBeatingAsync(agent);

    public ValueTask DisposeAsync() => _rig.DisposeAsync();
}
