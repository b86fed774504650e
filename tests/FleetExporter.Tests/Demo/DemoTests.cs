using System.Text.RegularExpressions;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Demo;

/// <summary>The README's main command: `demo` shows one agent per state and removes everything on Ctrl-C.</summary>
[Collection(SystemdCollection.Name)]
public sealed class DemoTests
{
    [Trait(Speed.Trait, Speed.Slow)] // 8 s or more of real time (Infrastructure/Speed.cs)
    [Fact(Timeout = 180_000)]
    public async Task The_demo_serves_each_interesting_state_and_cleans_up_on_ctrl_c()
    {
        await using var demo = await ServeProcess.StartAsync("demo", []);
        string metrics = "";
        var ready = await TmuxServer.EventuallyAsync(async () =>
        {
            metrics = await demo.GetAsync("/metrics");
            return Flag(metrics, "drifted", "DRIFT") == 1 && Flag(metrics, "stale", "HB-STALE") == 1
                   && State(metrics, "healthy") == "working" && State(metrics, "idle") == "idle" && State(metrics, "asker") == "waiting";
        }, TimeSpan.FromSeconds(60));

        Assert.True(ready, "the demo fleet never showed DRIFT and HB-STALE:\n" + metrics + demo.Output);
        Assert.Equal(0, Flag(metrics, "healthy", "DRIFT"));
        Assert.Equal(0, Flag(metrics, "healthy", "HB-STALE"));
        Assert.Equal(0, Flag(metrics, "drifted", "HB-STALE"));
        Assert.Equal("stopped", State(metrics, "drifted"));
        Assert.Equal("unknown", State(metrics, "stale"));
        // The idle agent stopped beating when its turn ended; it is not stale for that (its flag stays down).
        Assert.Equal(0, Flag(metrics, "idle", "HB-STALE"));
        if (Regex.IsMatch(metrics, "fleet_collector_success\\{host=\"[^\"]*\",collector=\"systemd\"\\} 1"))
        {
            Assert.Equal(1, Flag(metrics, "no-boot", "BOOT-ENABLE"));
            Assert.Equal(0, Flag(metrics, "healthy", "BOOT-ENABLE"));
        }
        // Every demo pane runs bash (a wrapper starts the stand-in runtime): the page shows the runtime found in the
        // healthy agent's pane and the shell that replaced it in the drifted one's.
        var page = await demo.GetAsync("/");
        Assert.Matches("<tr><td>healthy</td>(?:(?!</tr>).)*<td><span class=\"found\"[^>]*>demo-agent</span></td>", page);
        Assert.Matches("<tr><td>drifted</td>(?:(?!</tr>).)*<td><span class=\"bad\"[^>]*>bash</span></td>", page);
        Assert.Matches("<p class=\"summary bad\">\\d+ of 6 agents need attention", page);
        var socket = Regex.Match(demo.Output, @"tmux -L (fleet-demo-\d+)").Groups[1].Value;
        var directory = Regex.Match(demo.Output, @"files in (\S+)").Groups[1].Value;
        Assert.NotEqual("", socket);
        Assert.True(Directory.Exists(directory));

        var exit = await demo.InterruptAsync(TimeSpan.FromSeconds(45));

        Assert.Equal(0, exit);
        Assert.False(Directory.Exists(directory), $"the demo left {directory} behind");
        var sessions = await ProcessRunner.RunAsync("tmux", ["-L", socket, "list-sessions"], TimeSpan.FromSeconds(5));
        Assert.NotEqual(0, sessions.ExitCode);
        var units = await ProcessRunner.RunAsync("systemctl", ["--user", "list-units", "--all", "--plain", "--no-legend", socket + "@*"], TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(socket, units.StandardOutput);
    }

    /// <summary>The state whose fleet_agent_state series is 1, or null when none is.</summary>
    private static string? State(string metrics, string agent) =>
        Regex.Match(metrics, $"^fleet_agent_state\\{{tenant=\"demo\",host=\"[^\"]*\",agent=\"{agent}\",state=\"(\\w+)\"\\}} 1$", RegexOptions.Multiline)
            is { Success: true } m ? m.Groups[1].Value : null;

    private static int Flag(string metrics, string agent, string flag)
    {
        var m = Regex.Match(metrics, $"^fleet_agent_flag\\{{tenant=\"demo\",host=\"[^\"]*\",agent=\"{agent}\",flag=\"{flag}\"\\}} (\\d)", RegexOptions.Multiline);
        return m.Success ? int.Parse(m.Groups[1].Value) : -1;
    }
}
