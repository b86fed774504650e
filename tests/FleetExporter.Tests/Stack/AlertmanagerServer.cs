using System.Diagnostics;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>A real Alertmanager (Debian's /usr/bin/prometheus-alertmanager) on 127.0.0.1, clustering off.</summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly TempDirectory _dir;

    public int Port { get; }

    private AlertmanagerServer(Process process, TempDirectory dir, int port) { _process = process; _dir = dir; Port = port; }

    public const string Binary = "/usr/bin/prometheus-alertmanager";

    public static async Task<AlertmanagerServer> StartAsync(string configYaml)
    {
        Assert.True(File.Exists(Binary), "Alertmanager is not installed: run tests/run.sh, which installs Debian's prometheus-alertmanager");
        var dir = new TempDirectory();
        var config = dir.Write("alertmanager.yml", configYaml);
        var port = PrometheusServer.FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.path={dir.File("data")}", $"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=", "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AlertmanagerServer(process, dir, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try { if ((await Http.GetAsync($"http://127.0.0.1:{port}/-/ready")).IsSuccessStatusCode) return server; }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException("Alertmanager did not become ready within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _dir.Dispose();
    }
}
