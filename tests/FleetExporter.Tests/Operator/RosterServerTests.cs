using System.Text.Json;
using FleetExporter.Operator;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// A roster without <c>tmux.socket_*</c> means the default server, also for an operator inside tmux, where
/// <c>$TMUX</c> names the operator's own server (and tmux given neither -L nor -S would connect there). With a user
/// manager (the collection's), so that every fact <c>ps</c> reports is known and it exits 0.
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class RosterServerTests(SystemdUserManager systemd)
{
    private const int Timeout = 90_000;

    [Fact(Timeout = Timeout)]
    public async Task Send_from_inside_another_tmux_reaches_the_default_server_and_never_the_operators_own()
    {
        await using var servers = await TwoServers.StartAsync();

        var r = await FleetBinary.RunAsync(["--roster", servers.RosterPath, "send", "--allow-unknown", "a1", "for-the-fleet", "--verify"], env: servers.OperatorEnvironment);

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal(["for-the-fleet", "for-the-fleet"], await servers.FleetLinesAsync());
        await Task.Delay(300);
        Assert.Empty(await servers.OperatorLinesAsync());
    }

    [Fact(Timeout = Timeout)]
    public async Task Ps_from_inside_another_tmux_sees_the_default_servers_sessions()
    {
        systemd.Require();
        await using var servers = await TwoServers.StartAsync();

        var r = await FleetBinary.RunAsync(["--roster", servers.RosterPath, "ps", "--json"], env: servers.OperatorEnvironment);

        Assert.True(r.ExitCode == 0, r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var session = doc.RootElement[0].GetProperty("session");
        Assert.True(session.GetProperty("present").GetBoolean(), r.StandardOutput);
        Assert.Equal(servers.FleetPane, session.GetProperty("pane_id").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task The_exporter_started_inside_another_tmux_reports_the_default_servers_sessions()
    {
        await using var servers = await TwoServers.StartAsync();
        var env = servers.OperatorEnvironment.ToDictionary(e => e.Key, e => e.Value ?? "");

        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", servers.RosterPath], env);
        var metrics = await serve.GetAsync("/metrics");

        // a1 has a session on both servers, a2 only on the operator's: the exporter must see the fleet's alone.
        Assert.Matches(@"(?m)^fleet_agent_session_present\{[^}]*agent=""a1""[^}]*\} 1$", metrics);
        Assert.Matches(@"(?m)^fleet_agent_session_present\{[^}]*agent=""a2""[^}]*\} 0$", metrics);
    }

    [Fact(Timeout = Timeout)]
    public async Task Watch_from_a_pane_of_another_tmux_views_the_default_servers_agent()
    {
        await using var servers = await TwoServers.StartAsync();

        // A pane of the operator's server sets $TMUX (and $TMUX_PANE) to that server, as a real operator's would.
        await servers.OperatorTerminalAsync($"TMUX_TMPDIR='{servers.TmuxTmpDir}' dotnet '{FleetBinary.Dll}' --roster '{servers.RosterPath}' watch a1; echo EXIT=$?; sleep 600");

        var attached = await TmuxServer.EventuallyAsync(async () =>
            (await servers.FleetAsync("list-clients", "-F", "#{client_session}")).Contains(WatchScript.ViewerPrefix), TimeSpan.FromSeconds(40));
        Assert.True(attached, $"no viewer on the fleet's server; the operator's terminal shows: {await servers.OperatorTerminalScreenAsync()}");
        Assert.DoesNotContain(WatchScript.ViewerPrefix, await servers.OperatorSessionsAsync());
    }

    /// <summary>
    /// The "default" server under a private <c>$TMUX_TMPDIR</c> holds the fleet's session a1; a second server, the
    /// operator's, holds a session a1 too and is the one <c>$TMUX</c> and <c>$TMUX_PANE</c> name. Their pane ids
    /// differ (the operator's server has an extra pane first), so a listing of the wrong server cannot pass. The
    /// roster's agent a2 has a session on the operator's server only.
    /// </summary>
    private sealed class TwoServers : IAsyncDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly TmuxServer _operator = new();

        public string RosterPath { get; private set; } = "";
        public string FleetPane { get; private set; } = "";
        public IReadOnlyDictionary<string, string?> OperatorEnvironment { get; private set; } = new Dictionary<string, string?>();

        public string TmuxTmpDir => _dir.File("tmp");

        public static async Task<TwoServers> StartAsync()
        {
            var s = new TwoServers();
            Directory.CreateDirectory(s.TmuxTmpDir);
            s.RosterPath = s._dir.Write("roster.yaml", $"heartbeat: {{ dir: {s._dir.File("run")} }}\nsend_journal: {s._dir.File("sends.jsonl")}\nruntimes:\n  reader: {{ commands: [cat] }}\nagents:\n  - {{ name: a1, runtime: reader }}\n  - {{ name: a2, runtime: reader }}\n");
            await s._operator.NewSessionAsync("operator", "exec cat");
            await s._operator.NewSessionAsync("a1", "exec cat");
            await s._operator.NewSessionAsync("a2", "exec cat");
            await s.FleetAsync("new-session", "-d", "-s", "a1", "-x", "120", "-y", "40", "exec cat");
            s.FleetPane = (await s.FleetAsync("display-message", "-p", "-t", "=a1:", "#{pane_id}")).Trim();
            var operatorPane = (await s._operator.DisplayAsync("operator", "#{pane_id}")).Trim();
            Assert.NotEqual(s.FleetPane, (await s._operator.DisplayAsync("a1", "#{pane_id}")).Trim());
            s.OperatorEnvironment = new Dictionary<string, string?>
            {
                ["TMUX"] = (await s._operator.DisplayAsync("operator", "#{socket_path},#{pid},0")).Trim(),
                ["TMUX_PANE"] = operatorPane,
                ["TMUX_TMPDIR"] = s.TmuxTmpDir,
            };
            return s;
        }

        public async Task<List<string>> FleetLinesAsync()
        {
            List<string> lines = [];
            await TmuxServer.EventuallyAsync(async () =>
            {
                lines = Lines(await FleetAsync("capture-pane", "-p", "-t", "=a1:"));
                return lines.Count >= 2;
            });
            return lines;
        }

        public async Task<List<string>> OperatorLinesAsync() =>
            [.. Lines(await _operator.CaptureAsync("a1")), .. Lines(await _operator.CaptureAsync("operator"))];

        public Task OperatorTerminalAsync(string command) => _operator.NewSessionAsync("term", command, 80, 24);

        public Task<string> OperatorTerminalScreenAsync() => _operator.CaptureAsync("term");

        public Task<string> OperatorSessionsAsync() => _operator.RunAsync("list-sessions", "-F", "#{session_name}");

        private static List<string> Lines(string pane) => pane.Split('\n').Where(l => l.Length > 0).ToList();

        /// <summary>tmux on the default server under the private TMUX_TMPDIR, with neither -L nor -S, as tmux's defaults find it.</summary>
        public async Task<string> FleetAsync(params string[] args)
        {
            var r = await ProcessRunner.RunAsync("tmux", ["-f", "/dev/null", .. args], TimeSpan.FromSeconds(10),
                new Dictionary<string, string?> { ["TMUX_TMPDIR"] = TmuxTmpDir, ["TMUX"] = null, ["TMUX_PANE"] = null });
            Assert.True(r.ExitCode == 0, $"tmux {string.Join(' ', args)}: {r.StandardError}");
            return r.StandardOutput;
        }

        public async ValueTask DisposeAsync()
        {
            await ProcessRunner.RunAsync("tmux", ["kill-server"], TimeSpan.FromSeconds(5),
                new Dictionary<string, string?> { ["TMUX_TMPDIR"] = TmuxTmpDir, ["TMUX"] = null });
            await _operator.DisposeAsync();
            _dir.Dispose();
        }
    }
}
