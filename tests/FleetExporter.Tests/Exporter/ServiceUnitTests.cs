using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Exporter;

/// <summary>The shipped user unit (deploy/systemd/fleet-exporter.service) runs the exporter under a real user manager.</summary>
[Collection(SystemdCollection.Name)]
public sealed class ServiceUnitTests(SystemdUserManager systemd)
{
    [Fact(Timeout = 120_000)]
    public async Task The_shipped_user_unit_starts_the_exporter_and_it_serves_metrics()
    {
        systemd.Require();
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", $"host: unit-host\nheartbeat: {{ dir: {dir.File("hb")} }}\nagents:\n  - {{ name: unit-agent, runtime: claude }}\n");
        var port = PrometheusServer.FreePort();
        var shipped = await File.ReadAllTextAsync(RepoPaths.Of("deploy", "systemd", "fleet-exporter.service"));
        var execStart = shipped.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        // Only the binary's location and the address change: everything else is the unit as shipped.
        var unit = shipped.Replace(execStart,
            $"ExecStart={FleetBinary.DotnetHost} {FleetBinary.Dll} serve --web.listen-address=127.0.0.1:{port} --roster={roster}", StringComparison.Ordinal);
        var name = $"{systemd.Prefix}-exporter.service";
        await systemd.WriteUnitAsync(name, unit);

        await systemd.MustAsync("enable", "--now", name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string body = "";
        var served = await TmuxServer.EventuallyAsync(async () =>
        {
            try { body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"); return true; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(60));

        Assert.True(served, "the unit's exporter never answered");
        Assert.Contains("fleet_agent_info{tenant=\"default\",host=\"unit-host\",agent=\"unit-agent\"", body);
        await systemd.MustAsync("disable", "--now", name);
        var state = await systemd.SystemctlAsync("is-active", name);
        Assert.Equal("inactive", state.StandardOutput.Trim());
    }
}
