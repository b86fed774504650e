using System.Text.Json.Nodes;
using FleetExporter.Setup;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Setup;

/// <summary>
/// The shipped units (fleet-tmux.service and fleet-agent@.service, as the binary carries them) under a real systemd
/// user manager and a real tmux: one agent's life never touches another's, and the fleet survives its tmux server.
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class AgentUnitTests(SystemdUserManager systemd)
{
    private const int Timeout = 180_000;
    private static readonly string[] Three = ["alpha", "beta", "gamma"];

    /// <summary>Long enough for a restart (RestartSec=5s) on a loaded machine; the waits end as soon as the condition holds.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact(Timeout = Timeout)]
    public async Task Stopping_one_agent_of_three_leaves_the_other_two_sessions_and_processes_running()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "stop", "exec sleep 100000", Three);
        await fleet.StartAsync(Three);
        Assert.True(await TmuxServer.EventuallyAsync(() => fleet.AllUpAsync(Three), Bound), "the three agents never came up");
        var server = await fleet.ServerPidAsync();
        var alpha = (await fleet.PanePidAsync("alpha"))!.Value;
        var beta = (await fleet.PanePidAsync("beta"))!.Value;
        var gamma = (await fleet.PanePidAsync("gamma"))!.Value;

        // alpha started first: under the old unit shape the server was born in its cgroup and died with it.
        await systemd.MustAsync("stop", fleet.Unit("alpha"));

        Assert.Equal("inactive", await fleet.ActiveStateAsync("alpha"));
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(!UnitFleet.Alive(alpha))), "alpha's process outlived its unit");
        Assert.Null(await fleet.PanePidAsync("alpha"));
        Assert.Equal("active", await fleet.ActiveStateAsync("beta"));
        Assert.Equal("active", await fleet.ActiveStateAsync("gamma"));
        Assert.Equal(beta, await fleet.PanePidAsync("beta"));
        Assert.Equal(gamma, await fleet.PanePidAsync("gamma"));
        Assert.True(UnitFleet.Alive(beta) && UnitFleet.Alive(gamma), "beta's or gamma's process died with alpha");
        Assert.Equal(server, await fleet.ServerPidAsync());
        Assert.Equal("active", await systemd.PropertyAsync(fleet.Layout.TmuxUnit, "ActiveState"));
    }

    [Fact(Timeout = Timeout)]
    public async Task Killing_the_tmux_server_brings_the_server_and_every_agent_back()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "kill", "exec sleep 100000", Three);
        await fleet.StartAsync(Three);
        Assert.True(await TmuxServer.EventuallyAsync(() => fleet.AllUpAsync(Three), Bound), "the three agents never came up");
        var server = await fleet.ServerPidAsync();
        var panes = new List<int>();
        foreach (var agent in Three) panes.Add((await fleet.PanePidAsync(agent))!.Value);

        var kill = await ProcessRunner.RunAsync("kill", ["-9", server.ToString()], TimeSpan.FromSeconds(5));
        Assert.Equal(0, kill.ExitCode);

        var back = await TmuxServer.EventuallyAsync(async () =>
            await fleet.ServerPidAsync() is var pid && pid != 0 && pid != server && await fleet.AllUpAsync(Three), Bound);
        Assert.True(back, $"within {Bound.TotalSeconds} s the server or an agent did not come back: " +
                          string.Join(", ", await Task.WhenAll(Three.Select(async a => $"{a} {await fleet.ActiveStateAsync(a)}"))));
        foreach (var (agent, old) in Three.Zip(panes))
        {
            Assert.NotEqual(old, await fleet.PanePidAsync(agent));
            Assert.False(UnitFleet.Alive(old), $"{agent}'s old process survived its server");
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task An_agent_whose_program_exits_ends_its_unit_and_comes_back_alone()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "crash", "exec sleep 100000", "alpha", "beta");
        await fleet.StartAsync("alpha", "beta");
        Assert.True(await TmuxServer.EventuallyAsync(() => fleet.AllUpAsync("alpha", "beta"), Bound), "the agents never came up");
        var alpha = (await fleet.PanePidAsync("alpha"))!.Value;
        var beta = (await fleet.PanePidAsync("beta"))!.Value;

        await ProcessRunner.RunAsync("kill", ["-9", alpha.ToString()], TimeSpan.FromSeconds(5));

        // The unit reflects the exit (a restart is counted), then the agent is back in a new pane.
        var back = await TmuxServer.EventuallyAsync(async () =>
            await systemd.PropertyAsync(fleet.Unit("alpha"), "NRestarts") != "0"
            && await fleet.PanePidAsync("alpha") is { } pid && pid != alpha && await fleet.AllUpAsync("alpha"), Bound);
        Assert.True(back, $"alpha did not come back: {await fleet.ActiveStateAsync("alpha")}");
        Assert.Equal(beta, await fleet.PanePidAsync("beta"));
        Assert.Equal("0", await systemd.PropertyAsync(fleet.Unit("beta"), "NRestarts"));
    }

    [Fact(Timeout = Timeout)]
    public async Task Ps_sees_the_agents_of_the_shipped_units_up_and_a_stopped_one_down_without_touching_the_other()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "ps", "exec sleep 100000", "alpha", "beta");
        var roster = fleet.Dir.Write("roster.yaml", $$"""
            heartbeat: { dir: {{fleet.Dir.File("hb")}} }
            systemd: { unit_template: "{{fleet.Layout.AgentUnit("{name}")}}", linger_dir: {{fleet.Dir.Path}} }
            tmux: { socket_name: {{fleet.Layout.TmuxServer[1]}} }
            runtimes: { sleeper: { commands: [sleep] } }
            agents:
              - { name: alpha, runtime: sleeper }
              - { name: beta, runtime: sleeper }
            """);
        await fleet.StartAsync("alpha", "beta");
        Assert.True(await TmuxServer.EventuallyAsync(() => fleet.AllUpAsync("alpha", "beta"), Bound), "the agents never came up");

        await systemd.MustAsync("stop", fleet.Unit("alpha"));
        var ps = await InProcessCli.RunOrSpawnAsync(["ps", "--json", "--roster", roster]);

        Assert.True(ps.ExitCode == 0, ps.StandardError);
        var agents = JsonNode.Parse(ps.StandardOutput)!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!);
        string[] Flags(string agent) => [.. agents[agent]["flags"]!.AsArray().Select(f => f!.GetValue<string>())];
        Assert.Contains("DOWN", Flags("alpha"));
        Assert.Contains("NO-SESSION", Flags("alpha"));
        Assert.Equal("active", agents["beta"]["unit"]!["active_state"]!.GetValue<string>());
        Assert.True(agents["beta"]["session"]!["present"]!.GetValue<bool>());
        Assert.Empty(Flags("beta").Intersect(["DOWN", "NO-SESSION", "DRIFT", "PANE-DEAD"]));
    }

    [Fact(Timeout = Timeout)]
    public async Task The_pane_runs_the_env_files_command_as_written_with_the_agents_name_in_FLEET_AGENT()
    {
        systemd.Require();
        // Quotes, '$' and a backslash must reach the shell as typed; $FLEET_AGENT is the session's, as the hooks read it.
        const string command = """printf '%s|%s\n' "$FLEET_AGENT" 'single $HOME "dq" back\slash' > {agent}.out; exec sleep 100000""";
        await using var fleet = await UnitFleet.InstallAsync(systemd, "env", command, "delta");
        await fleet.StartAsync("delta");
        var output = fleet.Dir.File("delta.out");

        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(output) && File.ReadAllText(output).EndsWith('\n')), Bound),
            $"the pane never wrote {output}: unit {await fleet.ActiveStateAsync("delta")}");
        Assert.Equal("delta|single $HOME \"dq\" back\\slash\n", await File.ReadAllTextAsync(output));
        Assert.Equal("FLEET_AGENT=delta\n", (await fleet.Tmux("show-environment", "-t", "=delta", "FLEET_AGENT")).StandardOutput);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_agent_without_a_command_fails_to_start_and_starts_nothing()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "nocmd", "unused");
        fleet.Dir.Write("agents/epsilon.env", "FLEET_DIR=/tmp\n");

        var start = await systemd.SystemctlAsync("start", fleet.Unit("epsilon"));

        Assert.NotEqual(0, start.ExitCode);
        Assert.Null(await fleet.PanePidAsync("epsilon"));
        Assert.Equal("exit-code", await systemd.PropertyAsync(fleet.Unit("epsilon"), "Result"));
        await systemd.SystemctlAsync("stop", fleet.Unit("epsilon"));
    }

    [Fact(Timeout = Timeout)]
    public async Task The_tmux_unit_refuses_a_server_started_outside_it_and_takes_over_once_it_is_gone()
    {
        systemd.Require();
        await using var fleet = await UnitFleet.InstallAsync(systemd, "rogue", "unused");
        var rogue = await ProcessRunner.RunAsync("tmux", [.. fleet.Layout.TmuxServer, "-f", "/dev/null", "new-session", "-d", "-s", "rogue", "sleep 100000"], TimeSpan.FromSeconds(10));
        Assert.Equal(0, rogue.ExitCode);

        var start = await systemd.SystemctlAsync("start", fleet.Layout.TmuxUnit);

        Assert.NotEqual(0, start.ExitCode);
        Assert.NotEqual("active", await systemd.PropertyAsync(fleet.Layout.TmuxUnit, "ActiveState"));
        Assert.Equal(0, (await fleet.Tmux("has-session", "-t", "=rogue")).ExitCode);

        await fleet.Tmux("kill-server");

        // Restart=always: the unit starts its own server as soon as the socket is free.
        Assert.True(await TmuxServer.EventuallyAsync(async () => await systemd.PropertyAsync(fleet.Layout.TmuxUnit, "ActiveState") == "active", Bound),
            "the tmux unit did not take over the socket");
        var server = await fleet.ServerPidAsync();
        Assert.Equal(server.ToString(), (await fleet.Tmux("display-message", "-p", "#{pid}")).StandardOutput.Trim());
    }

    [Fact(Timeout = Timeout)]
    public async Task Systemd_analyze_verify_finds_nothing_to_say_about_the_shipped_units()
    {
        systemd.Require();
        using var dir = new TempDirectory();
        var tmux = dir.Write(UnitLayout.DefaultTmuxUnit, await File.ReadAllTextAsync(RepoPaths.Of("deploy", "systemd", UnitLayout.DefaultTmuxUnit)));
        // A template is verified through an instance of it.
        var agent = dir.Write("fleet-agent@probe.service", await File.ReadAllTextAsync(RepoPaths.Of("deploy", "systemd", UnitLayout.DefaultAgentTemplate)));

        var verify = await ProcessRunner.RunAsync("systemd-analyze", ["--user", "verify", tmux, agent], TimeSpan.FromSeconds(60));

        // verify exits 0 even for lines it ignores; those are printed, so clean means no output at all.
        Assert.True(verify.ExitCode == 0, verify.StandardError);
        Assert.Equal("", verify.StandardError + verify.StandardOutput);
    }
}
