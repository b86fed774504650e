using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>
/// The real <c>serve</c> with the exporter-toolkit's and promslog's flags: --log.level, --log.format, repeated
/// --web.listen-address, --web.systemd-socket under Debian's systemd-socket-activate, and /-/ready.
/// </summary>
public sealed class ToolkitFlagsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _roster;

    public ToolkitFlagsTests() =>
        _roster = _dir.Write("roster.yaml", $"host: flags-host\nheartbeat: {{ dir: {_dir.File("hb")} }}\ntmux: {{ socket_name: fxt-none-{Guid.NewGuid():N} }}\n" +
            "runtimes:\n  sleeper: { commands: [sleep] }\nagents:\n  - { name: a1, runtime: sleeper }\n");

    private static IEnumerable<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact(Timeout = 120_000)]
    public async Task Logs_are_logfmt_lines_by_default()
    {
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", _roster]);

        var serving = Lines(serve.Output).First(l => l.Contains("serving http://", StringComparison.Ordinal));
        Assert.Matches(@"^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info logger=serve msg=""serving http://127\.0\.0\.1:\d+/metrics \(roster [^""]+\)"" url=http://127\.0\.0\.1:\d+/metrics roster=\S+$", serving);
    }

    [Fact(Timeout = 120_000)]
    public async Task With_log_format_json_every_line_is_a_json_object_with_the_promslog_keys()
    {
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", _roster, "--log.format", "json"]);
        await TmuxServer.EventuallyAsync(() => Task.FromResult(serve.Output.Contains("ready: first collection", StringComparison.Ordinal)));

        var lines = Lines(serve.Output).ToList();
        Assert.Contains(lines, l => l.Contains("\"msg\":\"ready: first collection", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(["ts", "level", "logger", "msg"], json.RootElement.EnumerateObject().Take(4).Select(p => p.Name));
            Assert.Contains(json.RootElement.GetProperty("level").GetString(), (string[])["debug", "info", "warn", "error"]);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Log_level_warn_keeps_info_records_out()
    {
        var port = PrometheusServer.FreePort();
        await using var serve = await ServeProcess.LaunchAsync(
            ["dotnet", FleetBinary.Dll, "serve", "--web.listen-address", $"127.0.0.1:{port}", "--roster", _dir.File("no-roster.yaml"), "--log.level", "warn"], port);
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await serve.GetWithStatusAsync("/-/ready")).Status == HttpStatusCode.OK), serve.Output);

        var lines = Lines(serve.Output).ToList();
        Assert.Contains(lines, l => l.Contains("level=warn", StringComparison.Ordinal) && l.Contains("no roster at", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("level=info", StringComparison.Ordinal));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--log.level", "verbose")]
    [InlineData("--log.format", "text")]
    public async Task An_unknown_log_level_or_format_is_a_usage_error(string flag, string value)
    {
        var r = await FleetBinary.RunAsync(["serve", "--roster", _roster, flag, value], TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains($"{flag} \"{value}\": expected one of", r.StandardError);
    }

    /// <summary>A descriptor systemd would never pass (a plain file) in LISTEN_FDS was a trace; now a clear refusal, exit 1.</summary>
    [Fact(Timeout = 120_000)]
    public async Task A_LISTEN_FDS_descriptor_that_is_no_socket_is_refused_without_a_trace()
    {
        var r = await FleetExporter.Subprocess.ProcessRunner.RunAsync("sh",
            ["-c", "exec 3<\"$0\"; LISTEN_FDS=1 LISTEN_PID=$$ exec \"$1\" \"$2\" serve --web.systemd-socket --roster \"$3\"", _roster, FleetBinary.DotnetHost, FleetBinary.Dll, _roster],
            TimeSpan.FromSeconds(60));

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains("fd 3 passed in LISTEN_FDS is a regular file, not a socket", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
    }

    /// <summary>SIGHUP ended serve with exit 129 and no log line; the shipped unit then did not restart it.</summary>
    [Fact(Timeout = 120_000)]
    public async Task SIGHUP_is_logged_and_ignored()
    {
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", _roster]);

        var kill = await FleetExporter.Subprocess.ProcessRunner.RunAsync("kill", ["-HUP", serve.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var logged = await TmuxServer.EventuallyAsync(() => Task.FromResult(serve.Output.Contains("SIGHUP received and ignored", StringComparison.Ordinal)));

        Assert.Equal(0, kill.ExitCode);
        Assert.True(logged, serve.Output);
        Assert.Equal("OK\n", await serve.GetAsync("/-/healthy"));
        Assert.Contains("Restart=always", File.ReadAllText(RepoPaths.Of("deploy", "systemd", "fleet-exporter.service")));
    }

    [Fact(Timeout = 120_000)]
    public async Task Repeated_listen_addresses_all_serve()
    {
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", _roster, "--web.listen-address", "[::1]:0"]);

        var urls = Regex.Matches(serve.Output, @"serving (http://\S+)/metrics").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, urls.Count);
        Assert.Contains(urls, u => u.StartsWith("http://[::1]:", StringComparison.Ordinal));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        foreach (var url in urls)
            Assert.Equal("OK\n", await http.GetStringAsync(url + "/-/healthy"));
    }

    [Fact(Timeout = 120_000)]
    public async Task With_web_systemd_socket_it_serves_on_the_socket_systemd_socket_activate_passes()
    {
        Assert.True(File.Exists("/usr/bin/systemd-socket-activate"), "systemd-socket-activate (Debian's systemd package) is missing");
        var port = PrometheusServer.FreePort();

        // systemd-socket-activate binds the port, then execs the exporter with LISTEN_FDS=1 at the first connection.
        await using var serve = await ServeProcess.LaunchAsync(
            ["/usr/bin/systemd-socket-activate", "-l", $"127.0.0.1:{port}", "dotnet", FleetBinary.Dll, "serve", "--web.systemd-socket", "--roster", _roster], port);

        Assert.Contains("fleet_agent_info{tenant=\"default\",host=\"flags-host\",agent=\"a1\"", await serve.GetAsync("/metrics"));
        var serving = Regex.Matches(serve.Output, @"serving (\S+)/metrics").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal([$"http://127.0.0.1:{port}"], serving);
        // The socket (fd 3; env and systemd-socket-activate exec'd into the exporter) is close-on-exec, as
        // sd_listen_fds leaves it: no tmux or systemctl the collections start inherits the listener.
        var flags = File.ReadLines($"/proc/{serve.Pid}/fdinfo/3").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        Assert.NotEqual(0, Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 0x80000);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_web_systemd_socket_and_no_socket_it_exits_1_saying_why()
    {
        var r = await FleetBinary.RunAsync(["serve", "--roster", _roster, "--web.systemd-socket"], TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains("--web.systemd-socket: no socket activation file descriptors found", r.StandardError);
    }

    [Fact(Timeout = 120_000)]
    public async Task Ready_is_503_until_the_first_collection_completes_then_200()
    {
        // A tmux that waits for the test's word: the first collection cannot complete before it.
        var bin = Directory.CreateDirectory(_dir.File("bin")).FullName;
        var release = _dir.File("release");
        var tmux = _dir.Write("bin/tmux", $"#!/bin/sh\nwhile [ ! -e {release} ]; do sleep 0.05; done\nexec /usr/bin/tmux \"$@\"\n");
        File.SetUnixFileMode(tmux, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", _roster], new Dictionary<string, string> { ["PATH"] = path });

        var before = await serve.GetWithStatusAsync("/-/ready");
        File.WriteAllText(release, "");
        var ready = await TmuxServer.EventuallyAsync(async () => (await serve.GetWithStatusAsync("/-/ready")).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.Status);
        Assert.Contains("the first collection has not completed", before.Body);
        Assert.True(ready, serve.Output);
        Assert.Equal("OK\n", await serve.GetAsync("/-/healthy"));
    }

    public void Dispose() => _dir.Dispose();
}
