using System.Diagnostics;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>A long-running real server for a test (Prometheus, Alertmanager): started, awaited until ready, killed.</summary>
public sealed class Daemon : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;

    private Daemon(Process process) => _process = process;

    /// <summary>
    /// Starts the binary and polls readyUrl until it answers 2xx; throws with the name if it never does. A server
    /// behind TLS or auth is polled with <paramref name="client"/>.
    /// </summary>
    public static async Task<Daemon> StartAsync(string binary, IEnumerable<string> args, string readyUrl, string? workingDirectory = null, HttpClient? client = null)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new Daemon(process);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try { if ((await (client ?? Http).GetAsync(readyUrl)).IsSuccessStatusCode) return daemon; }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        await daemon.DisposeAsync();
        throw new InvalidOperationException($"{Path.GetFileName(binary)} did not become ready at {readyUrl} within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
