using System.Diagnostics;
using FleetExporter.Operator;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// <c>watch</c> through the real binary, run in a real 80x24 pseudo-terminal (a pane of a second private tmux
/// server) against a 200x50 agent session; and the tmux-side cleanup driven in-process.
/// </summary>
public sealed class WatchTests
{
    private const int Timeout = 120_000;
    private const string AgentSize = "200x50";

    [Fact(Timeout = Timeout)]
    public async Task Watch_shows_the_agent_read_only_keeps_its_size_and_removes_the_viewer_on_detach()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        await using var term = await ViewerTerminal.StartAsync(rig, "ag");

        Assert.Equal("80x24", await term.ClientSizeAsync());
        Assert.Equal(AgentSize, await WindowSizeAsync(rig));
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));

        // What the agent prints shows in the viewer; what the viewer types never reaches the agent.
        await rig.Tmux.RunAsync("send-keys", "-t", "=ag:", "-l", "printed-by-agent");
        await rig.Tmux.RunAsync("send-keys", "-t", "=ag:", "Enter");
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await term.ScreenAsync()).Contains("printed-by-agent")), await term.ScreenAsync());
        await term.Outer.RunAsync("send-keys", "-t", "=term:", "-l", "typed-in-viewer");
        await term.Outer.RunAsync("send-keys", "-t", "=term:", "Enter");
        await Task.Delay(700);
        Assert.DoesNotContain("typed-in-viewer", await rig.Tmux.CaptureAsync("ag"));

        await rig.Tmux.RunAsync("detach-client", "-s", "=" + await term.ViewerAsync());

        Assert.Equal(0, await term.ExitCodeAsync());
        await AssertRestoredAsync(rig, expectedLocal: "");
    }

    [Theory(Timeout = Timeout)]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public async Task Watch_removes_the_viewer_and_restores_the_size_when_killed(string signal)
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        await using var term = await ViewerTerminal.StartAsync(rig, "ag");
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));

        await Kill(signal, term.WatchPid);

        Assert.Equal(0, await term.ExitCodeAsync());
        await AssertRestoredAsync(rig, expectedLocal: "");
    }

    [Fact(Timeout = Timeout)]
    public async Task A_crashed_watch_does_not_leave_the_agent_pinned()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        await using var term = await ViewerTerminal.StartAsync(rig, "ag");
        var client = int.Parse((await rig.Tmux.RunAsync("list-clients", "-F", "#{client_pid}")).Trim());

        await Kill("KILL", term.WatchPid);
        await Task.Delay(500);
        Assert.Equal("manual", await LocalWindowSizeAsync(rig)); // the client still shows the agent: still pinned
        await Kill("KILL", client);

        await AssertRestoredAsync(rig, expectedLocal: "");
    }

    [Fact(Timeout = Timeout)]
    public async Task A_window_size_rule_set_before_watching_is_put_back()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        await rig.Tmux.RunAsync("set-option", "-w", "-t", "=ag:", "window-size", "largest");
        await using var term = await ViewerTerminal.StartAsync(rig, "ag");
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));

        await rig.Tmux.RunAsync("detach-client", "-s", "=" + await term.ViewerAsync());

        Assert.Equal(0, await term.ExitCodeAsync());
        await AssertRestoredAsync(rig, expectedLocal: "largest");
    }

    [Fact(Timeout = Timeout)]
    public async Task A_viewer_that_never_attached_is_removed_by_tmux_itself()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        var watch = new WatchSession(new TmuxClient(new TmuxSettings(rig.Tmux.SocketName, null)), "ag");
        // Long enough that the two checks below see the viewer before tmux removes it.
        var grace = TimeSpan.FromSeconds(5);

        await watch.SetupAsync(grace, CancellationToken.None); // and then this process "dies"
        Assert.Contains(watch.Viewer, await SessionsAsync(rig));
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));

        await AssertRestoredAsync(rig, expectedLocal: "", within: grace + TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = Timeout)]
    public async Task Only_the_last_of_two_viewers_restores_the_size()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        var tmux = new TmuxClient(new TmuxSettings(rig.Tmux.SocketName, null));
        var first = new WatchSession(tmux, "ag");
        var second = new WatchSession(tmux, "ag");
        await first.SetupAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        await second.SetupAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        await first.CleanupAsync();
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));
        Assert.Contains(second.Viewer, await SessionsAsync(rig));
        Assert.DoesNotContain(first.Viewer, await SessionsAsync(rig));

        await second.CleanupAsync();
        await AssertRestoredAsync(rig, expectedLocal: "");
    }

    [Theory(Timeout = Timeout)]
    [InlineData("")]
    [InlineData("largest")]
    public async Task A_viewer_that_starts_while_the_only_other_one_leaves_still_gets_the_size_put_back(string original)
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        if (original.Length > 0) await rig.Tmux.RunAsync("set-option", "-w", "-t", "=ag:", "window-size", original);
        var tmux = new TmuxClient(new TmuxSettings(rig.Tmux.SocketName, null));
        var first = new WatchSession(tmux, "ag");
        var second = new WatchSession(tmux, "ag");
        await first.SetupAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        // The second watch looks at the windows while the first viewer still pins them...
        var plan = await second.PrepareAsync(CancellationToken.None);
        // ...the first leaves before the second viewer exists, so it is the last one and puts the size back...
        await first.CleanupAsync();
        Assert.Equal(original, await LocalWindowSizeAsync(rig));
        // ...and then the second creates its viewer and pins.
        await second.ApplyAsync(plan, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));

        await second.CleanupAsync();
        await AssertRestoredAsync(rig, expectedLocal: original);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_viewer_that_starts_while_another_one_starts_does_not_overwrite_the_saved_size()
    {
        await using var rig = new OperatorRig().WithRoster(["ag"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        await rig.Tmux.RunAsync("set-option", "-w", "-t", "=ag:", "window-size", "largest");
        var tmux = new TmuxClient(new TmuxSettings(rig.Tmux.SocketName, null));
        var first = new WatchSession(tmux, "ag");
        var second = new WatchSession(tmux, "ag");

        // The second looks before the first pins, and pins after it.
        var plan = await second.PrepareAsync(CancellationToken.None);
        await first.SetupAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        await second.ApplyAsync(plan, TimeSpan.FromMinutes(5), CancellationToken.None);

        await first.CleanupAsync();
        Assert.Equal("manual", await LocalWindowSizeAsync(rig));
        await second.CleanupAsync();
        await AssertRestoredAsync(rig, expectedLocal: "largest");
    }

    [Fact(Timeout = Timeout)]
    public async Task Watch_refuses_unknown_agents_missing_sessions_and_no_terminal_without_creating_a_session()
    {
        await using var rig = new OperatorRig().WithRoster(["ag", "gone"]);
        await rig.StartAsync("ag", "exec cat", width: 200, height: 50);
        await rig.StartAsync("gonezo", "exec cat"); // a prefix of it must not stand in for "gone"

        var unknown = await rig.FleetAsync("watch", "nobody");
        var missing = await rig.FleetAsync("watch", "gone");
        var noTerminal = await rig.FleetAsync("watch", "ag");

        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("unknown agent \"nobody\"", unknown.StandardError);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("no tmux session \"gone\"", missing.StandardError);
        Assert.Equal(2, noTerminal.ExitCode);
        Assert.Contains("terminal", noTerminal.StandardError);
        Assert.Equal(["ag", "gonezo"], await SessionsAsync(rig));
        Assert.Equal("", await LocalWindowSizeAsync(rig));
    }

    private static async Task AssertRestoredAsync(OperatorRig rig, string expectedLocal, TimeSpan? within = null)
    {
        var clean = await TmuxServer.EventuallyAsync(async () =>
            !(await SessionsAsync(rig)).Any(s => s.StartsWith(WatchScript.ViewerPrefix, StringComparison.Ordinal))
            && await LocalWindowSizeAsync(rig) == expectedLocal, within);
        Assert.True(clean, $"sessions: {string.Join(", ", await SessionsAsync(rig))}; window-size: \"{await LocalWindowSizeAsync(rig)}\"");
        Assert.Equal("", (await rig.Tmux.RunAsync("show-options", "-wqv", "-t", "=ag:", WatchScript.SavedOption)).Trim());
        Assert.Equal(AgentSize, await WindowSizeAsync(rig));
    }

    private static async Task<List<string>> SessionsAsync(OperatorRig rig) =>
        (await rig.Tmux.RunAsync("list-sessions", "-F", "#{session_name}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();

    private static Task<string> WindowSizeAsync(OperatorRig rig) => rig.Tmux.DisplayAsync("ag", "#{window_width}x#{window_height}");

    /// <summary>The window's own window-size option; empty when it only inherits the global one.</summary>
    private static async Task<string> LocalWindowSizeAsync(OperatorRig rig) =>
        (await rig.Tmux.RunAsync("show-options", "-wv", "-t", "=ag:", "window-size")).Trim();

    private static async Task Kill(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>An 80x24 pseudo-terminal (a pane of a second private tmux server) running the real watch command.</summary>
    private sealed class ViewerTerminal : IAsyncDisposable
    {
        private readonly OperatorRig _rig;
        public TmuxServer Outer { get; } = new();
        public int WatchPid { get; private set; }

        private ViewerTerminal(OperatorRig rig) => _rig = rig;

        public static async Task<ViewerTerminal> StartAsync(OperatorRig rig, string agent)
        {
            var t = new ViewerTerminal(rig);
            var command = $"dotnet '{FleetBinary.Dll}' --roster '{rig.RosterPath}' watch {agent}; echo EXIT=$?; sleep 600";
            await t.Outer.NewSessionAsync("term", command, 80, 24);
            var shell = await t.Outer.DisplayAsync("term", "#{pane_pid}");
            Assert.True(await TmuxServer.EventuallyAsync(async () =>
                (await rig.Tmux.RunAsync("list-clients", "-F", "#{client_session}")).Contains(WatchScript.ViewerPrefix), TimeSpan.FromSeconds(40)),
                $"the viewer never attached; terminal shows: {await t.ScreenAsync()}");
            var children = File.ReadAllText($"/proc/{shell}/task/{shell}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            t.WatchPid = int.Parse(Assert.Single(children));
            return t;
        }

        public async Task<string> ViewerAsync() =>
            (await _rig.Tmux.RunAsync("list-clients", "-F", "#{client_session}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Single();

        public async Task<string> ClientSizeAsync() =>
            (await _rig.Tmux.RunAsync("list-clients", "-F", "#{client_width}x#{client_height}")).Trim();

        public Task<string> ScreenAsync() => Outer.CaptureAsync("term");

        /// <summary>The watch command's exit code, once the terminal's shell printed it.</summary>
        public async Task<int> ExitCodeAsync()
        {
            string? line = null;
            await TmuxServer.EventuallyAsync(async () =>
            {
                line = (await ScreenAsync()).Split('\n').FirstOrDefault(l => l.StartsWith("EXIT=", StringComparison.Ordinal));
                return line is not null;
            }, TimeSpan.FromSeconds(15));
            Assert.True(line is not null, $"watch did not exit; terminal shows: {await ScreenAsync()}");
            return int.Parse(line!["EXIT=".Length..]);
        }

        public ValueTask DisposeAsync() => Outer.DisposeAsync();
    }
}
