using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>A real Alertmanager (Debian's /usr/bin/prometheus-alertmanager) on 127.0.0.1, clustering off.</summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    private readonly Daemon _daemon;
    private readonly TempDirectory _dir;

    public int Port { get; }

    private AlertmanagerServer(Daemon daemon, TempDirectory dir, int port) { _daemon = daemon; _dir = dir; Port = port; }

    public const string Binary = "/usr/bin/prometheus-alertmanager";

    public static async Task<AlertmanagerServer> StartAsync(string configYaml)
    {
        Assert.True(File.Exists(Binary), "Alertmanager is not installed: run tests/run.sh, which installs Debian's prometheus-alertmanager");
        var dir = new TempDirectory();
        var config = dir.Write("alertmanager.yml", configYaml);
        var port = PrometheusServer.FreePort();
        try
        {
            var daemon = await Daemon.StartAsync(Binary,
                [$"--config.file={config}", $"--storage.path={dir.File("data")}", $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
                $"http://127.0.0.1:{port}/-/ready");
            return new AlertmanagerServer(daemon, dir, port);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _dir.Dispose();
    }
}
