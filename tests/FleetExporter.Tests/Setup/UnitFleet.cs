using FleetExporter.Setup;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Setup;

/// <summary>
/// A <see cref="FleetRig"/> whose agents are run by the shipped units under the real user manager (the units' own
/// tmux server, not the rig's), each pane running <paramref name="command"/> (with
/// <c>{agent}</c> replaced by the agent's name). Disposing stops the tmux unit, which stops its agents with it.
/// </summary>
internal sealed class UnitFleet(SystemdUserManager systemd, UnitLayout layout, FleetRig rig) : IAsyncDisposable
{
    public UnitLayout Layout { get; } = layout;
    public TempDirectory Dir => rig.Dir;

    public static Task<UnitFleet> InstallAsync(SystemdUserManager systemd, string name, string command, params string[] agents) =>
        InstallAsync(systemd, name, command, null, agents);

    /// <summary>As init writes them when <paramref name="startBeat"/> is given: the env files name the exporter and
    /// the roster (<c>roster.yaml</c> in <see cref="Dir"/>), and each unit writes its agent's start beat.</summary>
    public static async Task<UnitFleet> InstallAsync(SystemdUserManager systemd, string name, string command, Func<TempDirectory, UnitLayout, string>? startBeat, params string[] agents)
    {
        var rig = new FleetRig();
        var dir = rig.Dir;
        var envDirectory = Path.Combine(dir.Path, "agents");
        var layout = await systemd.InstallFleetUnitsAsync(name, envDirectory);
        string? exporter = null;
        if (startBeat is not null)
        {
            dir.Write("roster.yaml", startBeat(dir, layout));
            // The dotnet host runs the built program, as a packaged binary would run itself.
            exporter = dir.Write("fleet-exporter", $"#!/bin/sh\nexec {FleetBinary.DotnetHost} {FleetBinary.Dll} \"$@\"\n");
            File.SetUnixFileMode(exporter, (UnixFileMode)0b111_101_101);
        }
        foreach (var agent in agents)
            dir.Write(Path.Combine("agents", agent + ".env"), AgentEnvironmentFile.Render(agent, command.Replace("{agent}", agent, StringComparison.Ordinal), dir.Path,
                exporter, exporter is null ? null : dir.File("roster.yaml")));
        return new UnitFleet(systemd, layout, rig);
    }

    public string Unit(string agent) => Layout.AgentUnit(agent);

    public Task StartAsync(params string[] agents) => systemd.MustAsync(["start", .. agents.Select(Unit)]);

    public async Task<string> ActiveStateAsync(string agent) => await systemd.PropertyAsync(Unit(agent), "ActiveState");

    public async Task<int> ServerPidAsync() => int.Parse(await systemd.PropertyAsync(Layout.TmuxUnit, "MainPID"));

    /// <summary>The pane's process id, or null when the session does not exist (or no server answers).</summary>
    public async Task<int?> PanePidAsync(string agent)
    {
        var r = await Tmux("display-message", "-p", "-t", $"={agent}:", "#{pane_pid}");
        return r.ExitCode == 0 && int.TryParse(r.StandardOutput.Trim(), out var pid) ? pid : null;
    }

    /// <summary>Every agent's unit active and its pane alive, under the given server.</summary>
    public async Task<bool> AllUpAsync(params string[] agents)
    {
        foreach (var agent in agents)
            if (await ActiveStateAsync(agent) != "active" || await PanePidAsync(agent) is not { } pid || !Alive(pid)) return false;
        return true;
    }

    public static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    public Task<ProcessOutput> Tmux(params string[] args) =>
        ProcessRunner.RunAsync("tmux", [.. Layout.TmuxServer, "-N", .. args], TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await systemd.SystemctlAsync("stop", Layout.TmuxUnit);
        await rig.DisposeAsync();
    }
}
