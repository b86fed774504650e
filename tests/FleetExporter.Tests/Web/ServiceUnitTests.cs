using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>The shipped user unit (deploy/systemd/fleet-exporter.service) runs the exporter under a real user manager.</summary>
[Collection(SystemdCollection.Name)]
public sealed class ServiceUnitTests(SystemdUserManager systemd)
{
    /// <summary>The shipped unit with only the binary's location and its arguments changed (and lines added before them).</summary>
    private static async Task<string> ShippedUnitAsync(string arguments, string? before = null)
    {
        var shipped = await File.ReadAllTextAsync(RepoPaths.Of("deploy", "systemd", "fleet-exporter.service"));
        var execStart = shipped.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        return shipped.Replace(execStart, $"{(before is null ? "" : before + "\n")}ExecStart={FleetBinary.DotnetHost} {FleetBinary.Dll} {arguments}", StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_shipped_user_unit_starts_the_exporter_and_it_serves_metrics()
    {
        systemd.Require();
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", $"host: unit-host\nheartbeat: {{ dir: {dir.File("hb")} }}\nagents:\n  - {{ name: unit-agent, runtime: claude }}\n");
        var port = PrometheusServer.FreePort();
        var unit = await ShippedUnitAsync($"serve --web.listen-address=127.0.0.1:{port} --roster={roster}");
        var name = $"{systemd.Prefix}-exporter.service";
        await systemd.WriteUnitAsync(name, unit);

        await systemd.MustAsync("enable", "--now", name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        string body = "";
        var served = await TmuxServer.EventuallyAsync(async () =>
        {
            try { body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"); return true; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; } // not up yet, or slow under load
        }, TimeSpan.FromSeconds(60));

        Assert.True(served, "the unit's exporter never answered");
        Assert.Contains("fleet_agent_info{tenant=\"default\",host=\"unit-host\",agent=\"unit-agent\"", body);
        await systemd.MustAsync("disable", "--now", name);
        var state = await systemd.SystemctlAsync("is-active", name);
        Assert.Equal("inactive", state.StandardOutput.Trim());
    }

    [Fact(Timeout = 180_000)]
    public async Task The_shipped_notify_unit_becomes_active_only_after_the_first_collection()
    {
        systemd.Require();
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", $"host: unit-host\nheartbeat: {{ dir: {dir.File("hb")} }}\ntmux: {{ socket_name: fxt-none-{Guid.NewGuid():N} }}\nagents:\n  - {{ name: unit-agent, runtime: claude }}\n");
        // A tmux that says it was called and then waits for the test's word: the first collection waits with it.
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        var tmux = dir.Write("bin/tmux", $"#!/bin/sh\ntouch {dir.File("called")}\nwhile [ ! -e {dir.File("release")} ]; do sleep 0.05; done\nexec /usr/bin/tmux \"$@\"\n");
        File.SetUnixFileMode(tmux, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var port = PrometheusServer.FreePort();
        var unit = await ShippedUnitAsync($"serve --web.listen-address=127.0.0.1:{port} --roster={roster}", $"Environment=PATH={bin}:/usr/local/bin:/usr/bin:/bin");
        Assert.Contains("\nType=notify\n", unit);
        var name = $"{systemd.Prefix}-notify-exporter.service";
        await systemd.WriteUnitAsync(name, unit);
        async Task<string> ActiveState() => (await systemd.SystemctlAsync("show", "-p", "ActiveState", "--value", name)).StandardOutput.Trim();

        await systemd.MustAsync("start", "--no-block", name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var listening = await TmuxServer.EventuallyAsync(async () =>
        {
            try { return File.Exists(dir.File("called")) && await http.GetStringAsync($"http://127.0.0.1:{port}/-/healthy") == "OK\n"; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; } // not up yet, or slow under load
        }, TimeSpan.FromSeconds(60));
        var whileCollecting = await ActiveState();
        File.WriteAllText(dir.File("release"), "");
        var active = await TmuxServer.EventuallyAsync(async () => await ActiveState() == "active", TimeSpan.FromSeconds(60));

        Assert.True(listening, "the unit's exporter never listened");
        Assert.Equal("activating", whileCollecting);
        Assert.True(active, $"the unit did not become active: {await ActiveState()}");
        Assert.Equal("OK\n", await http.GetStringAsync($"http://127.0.0.1:{port}/-/ready"));
        await systemd.MustAsync("stop", name);
        Assert.Equal("inactive", await ActiveState());
    }

    [Fact(Timeout = 180_000)]
    public async Task The_shipped_socket_unit_starts_the_shipped_service_with_web_systemd_socket_at_the_first_connection()
    {
        systemd.Require();
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", $"host: socket-host\nheartbeat: {{ dir: {dir.File("hb")} }}\nagents:\n  - {{ name: socket-agent, runtime: claude }}\n");
        var port = PrometheusServer.FreePort();
        var name = $"{systemd.Prefix}-activated-exporter";
        await systemd.WriteUnitAsync($"{name}.service", await ShippedUnitAsync($"serve --web.systemd-socket --roster={roster}"));
        // The shipped socket unit, only its address changed.
        var socket = await File.ReadAllTextAsync(RepoPaths.Of("deploy", "systemd", "fleet-exporter.socket"));
        Assert.Contains("\nListenStream=8497\n", socket);
        await systemd.WriteUnitAsync($"{name}.socket", socket.Replace("\nListenStream=8497\n", $"\nListenStream=127.0.0.1:{port}\n", StringComparison.Ordinal));

        await systemd.MustAsync("start", $"{name}.socket");
        var before = (await systemd.SystemctlAsync("show", "-p", "ActiveState", "--value", $"{name}.service")).StandardOutput.Trim();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        // READY=1 follows the first collection, which this scrape shares: active a moment after the answer.
        var active = await TmuxServer.EventuallyAsync(async () =>
            (await systemd.SystemctlAsync("show", "-p", "ActiveState", "--value", $"{name}.service")).StandardOutput.Trim() == "active", TimeSpan.FromSeconds(60));

        Assert.Equal("inactive", before);
        Assert.Contains("fleet_agent_info{tenant=\"default\",host=\"socket-host\",agent=\"socket-agent\"", body);
        Assert.True(active, "the socket-activated service did not become active");
        await systemd.MustAsync("stop", $"{name}.socket", $"{name}.service");
    }
}
