using System.Text.Json;
using FleetExporter.Tests.Fleet;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Cli;

/// <summary><c>fleet-exporter ps</c> run as the real binary against a real fleet.</summary>
[Collection(SystemdCollection.Name)]
public sealed class PsCommandTests(SystemdUserManager systemd)
{
    private const int Timeout = 120_000;

    [Fact(Timeout = Timeout)]
    public async Task Ps_json_is_an_array_with_one_snake_case_object_per_agent()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("good", "exec sleep 1000");
        fleet.Roster(TestFleet.Agents("good", "absent"));
        await fleet.EnableAsync("good");
        await fleet.StartAsync("good");
        await fleet.WaitForRuntimeAsync("good");
        await fleet.BeatAsync("good");

        var r = await InProcessCli.RunAsync(["ps", "--json", "--roster", fleet.RosterPath]);

        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        var good = doc.RootElement[0];
        Assert.Equal(
            ["name", "tenant_id", "host", "runtime", "unit", "linger", "session", "process", "heartbeat", "state", "flags", "unknown", "usage"],
            good.EnumerateObject().Select(p => p.Name));
        Assert.Equal("good", good.GetProperty("name").GetString());
        Assert.Equal("t1", good.GetProperty("tenant_id").GetString());
        Assert.Equal("testhost", good.GetProperty("host").GetString());
        Assert.Equal(0, good.GetProperty("flags").GetArrayLength());
        var unit = good.GetProperty("unit");
        Assert.Equal(fleet.Unit("good"), unit.GetProperty("name").GetString());
        Assert.Equal("active", unit.GetProperty("active_state").GetString());
        Assert.Equal("enabled", unit.GetProperty("unit_file_state").GetString());
        Assert.Equal(JsonValueKind.String, unit.GetProperty("unit_file_state_read_at").ValueKind);
        var session = good.GetProperty("session");
        Assert.True(session.GetProperty("present").GetBoolean());
        Assert.False(session.GetProperty("pane_dead").GetBoolean());
        Assert.StartsWith("%", session.GetProperty("pane_id").GetString());
        Assert.Equal("sleep", good.GetProperty("process").GetProperty("runtime_command").GetString());
        var hb = good.GetProperty("heartbeat");
        Assert.Equal("ok", hb.GetProperty("state").GetString());
        Assert.Equal(2, hb.GetProperty("interval_seconds").GetDouble());
        Assert.Equal(6, hb.GetProperty("threshold_seconds").GetDouble());
        Assert.Equal(1, hb.GetProperty("seq").GetInt64());
        Assert.Empty(good.GetProperty("unknown").EnumerateObject());

        var absent = doc.RootElement[1];
        Assert.Equal(["DOWN", "NO-SESSION", "HB-MISSING"], absent.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.False(absent.GetProperty("session").GetProperty("present").GetBoolean());
        Assert.Equal(JsonValueKind.Null, absent.GetProperty("process").ValueKind);
        Assert.Equal("missing", absent.GetProperty("heartbeat").GetProperty("state").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task Ps_its_json_the_landing_page_and_the_metrics_show_the_state_a_hook_reported_with_its_source_and_since()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("asker", "exec sleep 1000");
        fleet.Roster(TestFleet.Agents("asker"));
        await fleet.EnableAsync("asker");
        await fleet.StartAsync("asker");
        await fleet.WaitForRuntimeAsync("asker");
        // The agent's own hook reports a permission prompt, through the real `fleet-exporter hook`.
        var hook = await FleetBinary.RunAsync(["hook", "asker", "--runtime", "claude", "--roster", fleet.RosterPath],
            stdin: """{"session_id":"s1","hook_event_name":"PermissionRequest","tool_name":"Bash"}""");
        Assert.True(hook.ExitCode == 0 && hook.StandardError.Length == 0, hook.StandardError);
        using var beat = JsonDocument.Parse(File.ReadAllText(Path.Combine(fleet.HeartbeatDir, "asker.hb")));
        var since = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(beat.RootElement.GetProperty("state_since").GetDouble() * 1000));

        var json = await InProcessCli.RunAsync(["ps", "--json", "--roster", fleet.RosterPath]);
        var table = await InProcessCli.RunAsync(["ps", "--roster", fleet.RosterPath]);
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", fleet.RosterPath]);
        var page = await serve.GetAsync("/");
        var metrics = await serve.GetAsync("/metrics");

        using var doc = JsonDocument.Parse(json.StandardOutput);
        var state = doc.RootElement[0].GetProperty("state");
        Assert.Equal("waiting", state.GetProperty("name").GetString());
        Assert.Equal("hook", state.GetProperty("source").GetString());
        Assert.Equal(since, state.GetProperty("since").GetDateTimeOffset());
        Assert.Matches(@"(?m)^AGENT +TENANT +HOST +UNIT +PANE +STATE ", table.StandardOutput);
        Assert.Matches(@"(?m)^asker +t1 +testhost +\S+ +\S+ +waiting ", table.StandardOutput);
        Assert.Contains($"title=\"from hook since {since:HH:mm:ss}: hook PermissionRequest\">waiting</a> <small>(hook)</small>", page);
        foreach (var name in new[] { "working", "waiting", "idle", "stopped", "unknown" })
            Assert.Contains($"fleet_agent_state{{tenant=\"t1\",host=\"testhost\",agent=\"asker\",state=\"{name}\"}} {(name == "waiting" ? 1 : 0)}\n", metrics);
        Assert.Matches("(?m)^fleet_agent_state_seconds\\{tenant=\"t1\",host=\"testhost\",agent=\"asker\"\\} [0-9.e+-]+$", metrics);
    }

    [Fact(Timeout = Timeout)]
    public async Task Ps_json_marks_a_failed_sources_facts_unknown_and_says_why()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Roster(TestFleet.Agents("a1"));
        // tmux and systemctl are found through PATH; a PATH holding systemctl alone is how a machine without tmux looks.
        var bin = fleet.Dir.File("bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "systemctl"), "/usr/bin/systemctl");
        var env = new Dictionary<string, string?> { ["PATH"] = bin };

        var r = await FleetBinary.RunAsync(["ps", "--json", "--roster", fleet.RosterPath], env: env);

        // Exit 6: the join ran, but a source failed, so some facts are unknown (issue 10: unknown never exits as ok).
        Assert.True(r.ExitCode == 6, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var a = doc.RootElement[0];
        Assert.Contains("tmux", a.GetProperty("unknown").GetProperty("tmux").GetString());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("session").GetProperty("present").ValueKind);
        Assert.DoesNotContain("NO-SESSION", a.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("DOWN", a.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("inactive", a.GetProperty("unit").GetProperty("active_state").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task The_table_fits_80_columns_even_with_many_flags_and_a_failed_source()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("running-agent-with-a-long-name", "exec sleep 1000");
        fleet.Roster(TestFleet.Agents("running-agent-with-a-long-name", "absent-1", "garbage-2"));
        await fleet.StartAsync("running-agent-with-a-long-name");
        await fleet.WaitForRuntimeAsync("running-agent-with-a-long-name");
        fleet.WriteHeartbeat("garbage-2", "nonsense");
        fleet.WriteHeartbeat("running-agent-with-a-long-name", TestFleet.HeartbeatJson(DateTimeOffset.UtcNow.AddMinutes(-5)));

        var r = await FleetBinary.RunAsync(["ps", "--roster", fleet.RosterPath], env: new Dictionary<string, string?> { ["COLUMNS"] = "80" });
        var piped = await FleetBinary.RunAsync(["ps", "--roster", fleet.RosterPath], env: new Dictionary<string, string?> { ["COLUMNS"] = null });

        Assert.True(r.ExitCode == 0, r.StandardError);
        var lines = r.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.StartsWith("AGENT", lines[0]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        var text = r.StandardOutput;
        foreach (var flag in new[] { "BOOT-ENABLE", "HB-STALE", "DOWN", "NO-SESSION", "HB-MISSING", "HB-INVALID" })
            Assert.Contains(flag, text);
        Assert.DoesNotContain("\e[", text);
        Assert.Contains(lines, l => l == "running-agent-with-a-long-name" || l.StartsWith("running-agent-with-a-long-name ", StringComparison.Ordinal));
        // Piped, with no COLUMNS: one line per agent, every cell whole, the flags comma-separated.
        var full = piped.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.Equal(4, full.Length);
        Assert.DoesNotContain("…", piped.StandardOutput);
        Assert.Contains(full, l => l.StartsWith("garbage-2 ", StringComparison.Ordinal) && l.EndsWith(" DOWN,NO-SESSION,HB-INVALID", StringComparison.Ordinal));
        Assert.Contains("3 of 3 agents need attention (3 flagged).", piped.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task The_table_names_a_failed_source_within_80_columns()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Roster(TestFleet.Agents("a1"));
        var env = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = fleet.Dir.File("no-manager-here"), ["DBUS_SESSION_BUS_ADDRESS"] = null, ["COLUMNS"] = "80" };

        var r = await FleetBinary.RunAsync(["ps", "--roster", fleet.RosterPath], env: env);

        Assert.True(r.ExitCode == 6, r.StandardError);
        var lines = r.StandardOutput.TrimEnd('\n').Split('\n');
        // The warning goes to stderr (issue 10), still within 80 columns; the table on stdout holds only rows.
        var warnings = r.StandardError.TrimEnd('\n').Split('\n');
        Assert.Contains(warnings, l => l.StartsWith("! systemd unknown: systemctl exited", StringComparison.Ordinal));
        Assert.All(warnings, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Contains(lines, l => l.StartsWith("a1 ", StringComparison.Ordinal) && l.Contains(" ? "));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_bad_roster_exits_2_naming_file_line_and_key()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", "agents:\n  - name: a\n    runtime: claude\n    colour: blue\n");

        var r = await InProcessCli.RunAsync(["ps", "--roster", roster]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{roster}:4: agents[0].colour: unknown key", r.StandardError);
        Assert.Equal("", r.StandardOutput);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_roster_from_FLEET_ROSTER_is_used_and_checked()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("r.yaml", "agents:\n  - name: a\n    runtime: nosuch\n");

        var r = await FleetBinary.RunAsync(["ps"], env: new Dictionary<string, string?> { ["FLEET_ROSTER"] = roster });

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{roster}:3: agents[0].runtime: unknown runtime", r.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_missing_roster_exits_2_and_says_where_it_looked()
    {
        var r = await InProcessCli.RunAsync(["ps", "--roster", "/nonexistent/roster.yaml"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("/nonexistent/roster.yaml", r.StandardError);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("ps", "--bogus")]
    [InlineData("nosuchcommand")]
    [InlineData("heartbeat")]
    public async Task A_bad_command_line_exits_2(params string[] args)
    {
        var r = await InProcessCli.RunOrSpawnAsync(args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("fleet-exporter: ", r.StandardError);
    }
}
