using FleetExporter.Web;
using Microsoft.AspNetCore.Builder;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// The real web app (<see cref="ExporterApp"/>) on a real Kestrel port of 127.0.0.1, serving a one-agent roster whose
/// tmux server does not exist (that source answers at once), for tests of the HTTP surface rather than the fleet.
/// </summary>
public sealed class InProcessExporter : IAsyncDisposable
{
    private readonly WebApplication _app;

    public int Port { get; }
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    private InProcessExporter(WebApplication app, int port) { _app = app; Port = port; }

    public static async Task<InProcessExporter> StartAsync(TempDirectory dir, WebConfig? webConfig = null, FleetExporter.Fleet.FleetJoin? join = null,
        IReadOnlyCollection<string>? disabledCollectors = null, string? webConfigFile = null)
    {
        var roster = dir.Write("roster.yaml", $"""
            tenant: acme
            host: test-host
            heartbeat: {"{"} dir: {dir.File("hb")}, interval: 5s {"}"}
            tmux: {"{"} socket_name: no-such-server-{Guid.NewGuid():N} {"}"}
            runtimes:
              sleeper: {"{"} commands: [sleep] {"}"}
            agents:
              - {"{"} name: alpha, runtime: sleeper {"}"}
            """);
        var options = new ServeOptions("127.0.0.1:0", "/metrics", webConfigFile, roster) { DisabledCollectors = disabledCollectors ?? [] };
        var app = ExporterApp.Build(options, webConfig ?? new WebConfig(null, null, new Dictionary<string, string>()), join);
        await app.StartAsync();
        return new InProcessExporter(app, new Uri(app.Urls.Single()).Port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
