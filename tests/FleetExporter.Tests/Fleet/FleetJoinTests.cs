using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Fleet;

/// <summary>The join against a real tmux server, the real systemd user manager, real processes and real heartbeat files.</summary>
[Collection(SystemdCollection.Name)]
public sealed class FleetJoinTests(SystemdUserManager systemd)
{
    private const int Timeout = 60_000;

    [Fact(Timeout = Timeout)]
    public async Task A_healthy_agent_has_no_flags_and_every_fact_joined()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("good", "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents("good"));
        await fleet.EnableAsync("good");
        await fleet.StartAsync("good");
        await fleet.WaitForRuntimeAsync("good");
        await fleet.BeatAsync("good");

        var snapshot = await fleet.CollectAsync(roster);

        var a = Assert.Single(snapshot.Agents);
        Assert.Empty(a.Flags);
        Assert.Equal(("t1", "testhost"), (a.Spec.Tenant, a.Host));
        Assert.Equal(("loaded", "active", "enabled"), (a.Unit!.LoadState, a.Unit.ActiveState, a.Unit.UnitFileState));
        Assert.True(a.Linger);
        Assert.True(a.SessionPresent);
        Assert.False(a.Pane!.Dead);
        Assert.Equal("sleep", a.Processes!.Runtime!.Command);
        Assert.Equal("1000", File.ReadAllText($"/proc/{a.Processes.Runtime.Pid}/cmdline").Split('\0')[1]);
        Assert.Equal(HeartbeatState.Ok, a.Heartbeat.State);
        Assert.Equal(1, a.Heartbeat.Seq);
        Assert.InRange(a.Heartbeat.Age!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(6));
        Assert.All(snapshot.Sources, s => Assert.True(s.Ok, $"{s.Source}: {s.Error}"));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_runtime_started_through_a_wrapper_shell_is_not_drift()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("wrapped", "bash -c 'sleep 1000; true'");
        var roster = fleet.Roster(TestFleet.Agents("wrapped"));
        await fleet.StartAsync("wrapped");

        var a = await fleet.EventuallyAsync(roster, "wrapped", a => a.Processes?.Runtime is not null);

        Assert.DoesNotContain(AgentFlags.Drift, a.Flags);
        Assert.Equal("sleep", a.Processes!.Runtime!.Command);
        Assert.Contains("bash", a.Processes.TreeCommands);
        Assert.NotEqual(a.Pane!.PanePid, a.Processes.Runtime.Pid);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_that_fell_back_to_a_shell_is_drift()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("fell", "bash -c 'sleep 5; exec bash'");
        var roster = fleet.Roster(TestFleet.Agents("fell"));
        await fleet.StartAsync("fell");

        // First the runtime runs (once the wrapper has started it), then the pane falls back to a shell.
        var before = await fleet.EventuallyAsync(roster, "fell", a => a.Processes?.Runtime is not null);
        var after = await fleet.EventuallyAsync(roster, "fell", a => a.Flags.Contains(AgentFlags.Drift), TimeSpan.FromSeconds(20));

        Assert.NotNull(before.Processes?.Runtime);
        Assert.DoesNotContain(AgentFlags.Drift, before.Flags);
        Assert.Contains(AgentFlags.Drift, after.Flags);
        Assert.Null(after.Processes!.Runtime);
        Assert.DoesNotContain("sleep", after.Processes.TreeCommands);
        Assert.Equal("active", after.Unit!.ActiveState);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_running_another_program_is_drift()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("other", "exec cat");
        var roster = fleet.Roster(TestFleet.Agents("other"));
        await fleet.StartAsync("other");

        var a = await fleet.EventuallyAsync(roster, "other", a => a.Processes?.TreeCommands.Contains("cat") == true);

        Assert.Contains(AgentFlags.Drift, a.Flags);
        Assert.Null(a.Processes!.Runtime);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_unit_started_but_not_enabled_is_boot_enable()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("once", "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents("once"));
        await fleet.StartAsync("once");
        await fleet.WaitForRuntimeAsync("once");
        await fleet.BeatAsync("once");

        var a = (await fleet.CollectAsync(roster)).Agents[0];

        Assert.Equal([AgentFlags.BootEnable], a.Flags);
        Assert.Equal("disabled", a.Unit!.UnitFileState);
        Assert.True(a.Linger);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_enabled_unit_without_linger_is_boot_enable()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd, linger: false);
        fleet.Script("nolinger", "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents("nolinger"));
        await fleet.EnableAsync("nolinger");
        await fleet.StartAsync("nolinger");
        await fleet.WaitForRuntimeAsync("nolinger");
        await fleet.BeatAsync("nolinger");

        var a = (await fleet.CollectAsync(roster)).Agents[0];

        Assert.Equal([AgentFlags.BootEnable], a.Flags);
        Assert.Equal("enabled", a.Unit!.UnitFileState);
        Assert.False(a.Linger);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_stopped_a_never_started_and_a_missing_unit_are_down()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("stopped", "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents("stopped", "never") + $"\n  - {{ name: missing, runtime: sleeper, unit: {fleet.UnitPrefix}-nothere.service }}");
        await fleet.StartAsync("stopped");
        await fleet.StopAsync("stopped");

        var snapshot = await fleet.CollectAsync(roster);

        foreach (var a in snapshot.Agents)
        {
            Assert.Contains(AgentFlags.Down, a.Flags);
            Assert.Contains(AgentFlags.NoSession, a.Flags);
            Assert.DoesNotContain(AgentFlags.BootEnable, a.Flags);
            Assert.Equal("inactive", a.Unit!.ActiveState);
        }
        Assert.Equal("not-found", snapshot.Agents[2].Unit!.LoadState);
        Assert.Equal("loaded", snapshot.Agents[1].Unit!.LoadState);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_unit_in_a_restart_loop_is_down()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var unit = $"{fleet.UnitPrefix}-loop.service";
        await systemd.WriteUnitAsync(unit, "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=30\n");
        var roster = fleet.Roster($"  - {{ name: loop, runtime: sleeper, unit: {unit} }}");
        await systemd.MustAsync("start", "--no-block", unit);

        var a = await fleet.EventuallyAsync(roster, "loop", a => a.Unit?.SubState == "auto-restart");

        Assert.Equal("activating", a.Unit!.ActiveState);
        Assert.Contains(AgentFlags.Down, a.Flags);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_agent_whose_session_is_gone_while_its_unit_is_active_is_no_session()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("gone", "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents("gone"));
        await fleet.EnableAsync("gone");
        await fleet.StartAsync("gone");
        await fleet.BeatAsync("gone");
        await fleet.Tmux.RunAsync("kill-session", "-t", "=gone");

        var a = (await fleet.CollectAsync(roster)).Agents[0];

        Assert.Equal([AgentFlags.NoSession], a.Flags);
        Assert.False(a.SessionPresent);
        Assert.Null(a.Pane);
        Assert.Null(a.Processes);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_pane_whose_command_exited_under_remain_on_exit_is_pane_dead_with_its_status()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd, remainOnExit: true);
        fleet.Script("dead", "exit 3");
        var roster = fleet.Roster(TestFleet.Agents("dead"));
        await fleet.EnableAsync("dead");
        await fleet.StartAsync("dead");

        // tmux marks the pane dead when its terminal closes and learns the exit status when it reaps the process.
        // tmux 3.3a now and then misses that exit and leaves the process a zombie; the join then reads the status
        // from /proc, so either way the status is known.
        var dead = await fleet.EventuallyAsync(roster, "dead", a => a.Pane is { Dead: true, DeadStatus: not null }, TimeSpan.FromSeconds(30));
        var tmuxSays = await fleet.Tmux.DisplayAsync("dead", "dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal}");
        Assert.True(dead.Pane is { Dead: true, DeadStatus: not null }, $"pane never dead with a status: {dead.Pane}; flags {string.Join(",", dead.Flags)}; tmux says {tmuxSays}");
        // A fresh heartbeat now, so that however long the wait took, PANE-DEAD is the only flag to expect.
        await fleet.BeatAsync("dead");
        var a = (await fleet.CollectAsync(roster)).Agents.Single();

        Assert.Equal([AgentFlags.PaneDead], a.Flags);
        Assert.Equal(3, a.Pane!.DeadStatus);
        Assert.True(a.SessionPresent);
        Assert.Null(a.Processes);
    }

    /// <summary>
    /// tmux's session activity moves only on client input: an agent that answered a prompt a moment ago read as idle
    /// for minutes. IDLE is the later of the agent's own last event (its heartbeat) and that activity.
    /// </summary>
    [Fact(Timeout = Timeout)]
    public async Task Idle_counts_from_the_agents_own_last_event_when_it_is_later_than_the_sessions_activity()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("busy", "exec sleep 1000");
        var roster = fleet.Roster(TestFleet.Agents("busy"));
        await fleet.StartAsync("busy");
        await fleet.WaitForRuntimeAsync("busy");
        fleet.WriteHeartbeat("busy", TestFleet.HeartbeatJson(DateTimeOffset.UtcNow.AddMinutes(-30)));
        await Task.Delay(2500);

        var activityOnly = (await fleet.CollectAsync(roster)).Agents[0];
        fleet.WriteHeartbeat("busy", TestFleet.HeartbeatJson(DateTimeOffset.UtcNow));
        var afterItsEvent = (await fleet.CollectAsync(roster)).Agents[0];

        Assert.InRange(activityOnly.Idle!.Value, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5));
        Assert.InRange(afterItsEvent.Idle!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_heartbeat_that_stops_coming_goes_stale()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("quiet", "exec sleep 1000");
        var roster = fleet.Roster("  - { name: quiet, runtime: sleeper, heartbeat_interval: 200ms }");
        await fleet.StartAsync(["quiet"]);
        await fleet.WaitForRuntimeAsync(["quiet"]);
        await fleet.BeatAsync("quiet");

        var fresh = (await fleet.CollectAsync(roster)).Agents[0];
        var stale = await fleet.EventuallyAsync(roster, "quiet", a => a.Flags.Contains(AgentFlags.HeartbeatStale));

        Assert.Equal(fresh.Heartbeat.Timestamp, stale.Heartbeat.Timestamp);
        Assert.True(stale.Heartbeat.Age > TimeSpan.FromMilliseconds(600), $"age {stale.Heartbeat.Age}");
        Assert.Contains(AgentFlags.HeartbeatStale, stale.Flags);
        Assert.DoesNotContain(AgentFlags.HeartbeatInvalid, stale.Flags);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_agent_whose_hooks_said_idle_or_waiting_is_not_stale_for_its_silence_but_a_working_one_is()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        string[] names = ["done", "asking", "busy"];
        foreach (var n in names) fleet.Script(n, "exec sleep 1000");
        var roster = fleet.Roster(string.Join("\n", names.Select(n => $"  - {{ name: {n}, runtime: sleeper, heartbeat_interval: 200ms }}")));
        await fleet.StartAsync(names);
        await fleet.WaitForRuntimeAsync(names);
        // Reported after the runtimes started, as their hooks would, then silent.
        foreach (var (name, state) in new[] { ("done", "Stop"), ("asking", "PermissionRequest"), ("busy", "PreToolUse") })
        {
            var r = await FleetBinary.RunAsync(["hook", name, "--runtime", "claude", "--roster", fleet.RosterPath],
                stdin: $$"""{"session_id":"s","hook_event_name":"{{state}}","tool_name":"Bash"}""");
            Assert.True(r.ExitCode == 0 && r.StandardError.Length == 0, r.StandardError);
        }

        var busy = await fleet.EventuallyAsync(roster, "busy", a => a.Flags.Contains(AgentFlags.HeartbeatStale));
        var snapshot = await fleet.CollectAsync(roster);

        Assert.Equal(AgentStateName.Working, busy.State.Name);
        var done = snapshot.Agents.Single(a => a.Spec.Name == "done");
        var asking = snapshot.Agents.Single(a => a.Spec.Name == "asking");
        Assert.Equal((AgentStateName.Idle, (StateSource?)StateSource.Hook), (done.State.Name, done.State.Source));
        Assert.Equal((AgentStateName.Waiting, (StateSource?)StateSource.Hook), (asking.State.Name, asking.State.Source));
        Assert.All(new[] { done, asking }, a => Assert.True(a.Heartbeat.Age > a.Heartbeat.Threshold, $"{a.Spec.Name}: age {a.Heartbeat.Age}"));
        Assert.All(new[] { done, asking }, a => Assert.DoesNotContain(AgentFlags.HeartbeatStale, a.Flags));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_missing_heartbeat_file_is_hb_missing()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("silent"));

        var a = (await fleet.CollectAsync(roster)).Agents[0];

        Assert.Contains(AgentFlags.HeartbeatMissing, a.Flags);
        Assert.DoesNotContain(AgentFlags.HeartbeatInvalid, a.Flags);
        Assert.Equal(HeartbeatState.Missing, a.Heartbeat.State);
    }

    [Fact(Timeout = Timeout)]
    public async Task Garbage_heartbeat_files_are_hb_invalid_and_say_why()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var garbage = new Dictionary<string, (byte[] Content, string Why)>
        {
            ["empty"] = ([], "empty"),
            ["truncated"] = (TestFleet.Utf8(TestFleet.HeartbeatJson(DateTimeOffset.UtcNow)[..12]), "not JSON"),
            ["notjson"] = (TestFleet.Utf8("alive at 12:00\n"), "not JSON"),
            ["binary"] = ([0xff, 0xfe, 0x00, 0x7b, 0x01], "not JSON"),
            ["future"] = (TestFleet.Utf8(TestFleet.HeartbeatJson(DateTimeOffset.UtcNow.AddMinutes(5))), "future"),
            ["huge"] = (TestFleet.Utf8(TestFleet.HeartbeatJson(DateTimeOffset.UtcNow).TrimEnd() + new string(' ', 1024 * 1024)), "larger than"),
            ["v2"] = (TestFleet.Utf8("{\"v\":2,\"ts\":1}"), "version 2"),
        };
        var roster = fleet.Roster(TestFleet.Agents([.. garbage.Keys]));
        foreach (var (agent, (content, _)) in garbage) fleet.WriteHeartbeat(agent, content);

        var snapshot = await fleet.CollectAsync(roster);

        foreach (var a in snapshot.Agents)
        {
            Assert.Contains(AgentFlags.HeartbeatInvalid, a.Flags);
            Assert.DoesNotContain(AgentFlags.HeartbeatStale, a.Flags);
            Assert.DoesNotContain(AgentFlags.HeartbeatMissing, a.Flags);
            Assert.Contains(garbage[a.Spec.Name].Why, a.Heartbeat.Problem);
        }
        Assert.True(snapshot.Source(HeartbeatSource.Name)!.Ok);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_heartbeat_directory_entry_that_is_not_a_file_is_hb_invalid()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("adir"));
        Directory.CreateDirectory(Path.Combine(fleet.HeartbeatDir, "adir.hb"));

        var a = (await fleet.CollectAsync(roster)).Agents[0];

        Assert.Contains(AgentFlags.HeartbeatInvalid, a.Flags);
    }

    [Fact(Timeout = Timeout)]
    public async Task No_tmux_server_running_means_every_session_is_absent_and_tmux_is_ok()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        var roster = fleet.Roster(TestFleet.Agents("a1", "a2"), socketName: "fxt-none-" + Guid.NewGuid().ToString("N")[..8]);

        var snapshot = await fleet.CollectAsync(roster);

        Assert.True(snapshot.Source("tmux")!.Ok);
        Assert.All(snapshot.Agents, a =>
        {
            Assert.False(a.SessionPresent);
            Assert.Contains(AgentFlags.NoSession, a.Flags);
        });
    }
}
