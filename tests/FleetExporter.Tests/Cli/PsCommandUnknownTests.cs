using System.Text.Json;
using FleetExporter.Tests.Fleet;
using FleetExporter.Tests.Hostile;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Cli;

/// <summary>
/// <c>fleet-exporter ps</c> never shows unknown as healthy (issue 10, findings 3 and 9): a flag it cannot decide reads
/// <c>?</c> in the table and is explained in the JSON's <c>unknown</c>, the exit status is 6, and warnings go to stderr.
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class PsCommandUnknownTests(SystemdUserManager systemd)
{
    private const int Timeout = 120_000;

    private static string[] Row(string table, string agent) =>
        table.Split('\n').Single(l => l.StartsWith(agent + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact(Timeout = Timeout)]
    public async Task Ps_json_survives_a_runtime_pattern_that_times_out_and_marks_only_that_runtime_unknown()
    {
        await using var fleet = await HostileRuntimePatternTests.FleetAsync(systemd);
        fleet.Roster(HostileRuntimePatternTests.Agents, moreRuntimes: HostileRuntimePatternTests.HostileRuntime);

        var r = await InProcessCli.RunAsync(["ps", "--json", "--roster", fleet.RosterPath]);

        Assert.True(r.ExitCode == 6, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.DoesNotContain("Unhandled", r.StandardError);
        Assert.Contains("victim", r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var victim = doc.RootElement[0];
        Assert.Equal("victim", victim.GetProperty("name").GetString());
        Assert.Contains("^(a+)+$", victim.GetProperty("unknown").GetProperty("runtime").GetString());
        Assert.Equal(JsonValueKind.Null, victim.GetProperty("process").ValueKind);
        Assert.DoesNotContain("DRIFT", victim.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("unknown", victim.GetProperty("state").GetProperty("name").GetString());
        Assert.Equal("active", victim.GetProperty("unit").GetProperty("active_state").GetString());
        var bystander = doc.RootElement[1];
        Assert.Empty(bystander.GetProperty("unknown").EnumerateObject());
        Assert.Empty(bystander.GetProperty("flags").EnumerateArray());
        Assert.Equal("sleep", bystander.GetProperty("process").GetProperty("runtime_command").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task The_table_shows_an_undecidable_runtime_as_unknown_not_ok()
    {
        await using var fleet = await HostileRuntimePatternTests.FleetAsync(systemd);
        fleet.Roster(HostileRuntimePatternTests.Agents, moreRuntimes: HostileRuntimePatternTests.HostileRuntime);

        var r = await InProcessCli.RunAsync(["ps", "--roster", fleet.RosterPath]);

        Assert.True(r.ExitCode == 6, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Equal("?", Row(r.StandardOutput, "victim")[^1]);
        Assert.Equal("ok", Row(r.StandardOutput, "bystander")[^1]);
        Assert.Contains("victim", r.StandardError);
        Assert.Contains("^(a+)+$", r.StandardError);
        Assert.DoesNotContain(r.StandardOutput.Split('\n'), l => l.StartsWith('!'));
    }

    [Fact(Timeout = Timeout)]
    public async Task Ps_without_the_user_manager_shows_flags_unknown_exits_6_and_warns_on_stderr_only()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Script("a1", "exec sleep 1000");
        fleet.Roster(TestFleet.Agents("a1"));
        await fleet.StartAsync("a1");
        await fleet.WaitForRuntimeAsync("a1");
        await fleet.BeatAsync("a1");
        var env = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = fleet.Dir.File("no-manager-here"), ["DBUS_SESSION_BUS_ADDRESS"] = null };

        var r = await FleetBinary.RunAsync(["ps", "--roster", fleet.RosterPath], env: env);

        Assert.True(r.ExitCode == 6, $"exit {r.ExitCode}: {r.StandardError}");
        var row = Row(r.StandardOutput, "a1");
        Assert.Equal("?", row[3]);
        Assert.Equal("?", row[^1]);
        Assert.DoesNotContain("ok", r.StandardOutput);
        Assert.DoesNotContain("systemd", r.StandardOutput);
        Assert.Contains("systemd unknown", r.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task Ps_json_without_the_user_manager_exits_6_and_keeps_stdout_pure_json()
    {
        await using var fleet = await TestFleet.CreateAsync(systemd);
        fleet.Roster(TestFleet.Agents("a1"));
        var env = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = fleet.Dir.File("no-manager-here"), ["DBUS_SESSION_BUS_ADDRESS"] = null };

        var r = await FleetBinary.RunAsync(["ps", "--json", "--roster", fleet.RosterPath], env: env);

        Assert.True(r.ExitCode == 6, $"exit {r.ExitCode}: {r.StandardError}");
        using var doc = JsonDocument.Parse(r.StandardOutput);
        Assert.Contains("systemctl", doc.RootElement[0].GetProperty("unknown").GetProperty("systemd").GetString());
        Assert.Contains("systemd unknown", r.StandardError);
    }
}
