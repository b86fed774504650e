using System.Diagnostics;
using System.Text;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>The real <c>fleet-exporter serve</c> on 127.0.0.1, run from the built binary as an operator runs it.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public int Port { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    private ServeProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<ServeProcess> StartAsync(string rosterPath)
    {
        var port = PrometheusServer.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { FleetBinary.Dll, "serve", "--roster", rosterPath, "--web.listen-address", $"127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var serve = new ServeProcess(Process.Start(start)!, port);
        serve._process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        serve._process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !serve._process.HasExited)
        {
            try { if ((await Http.GetAsync($"http://127.0.0.1:{port}/metrics")).IsSuccessStatusCode) return serve; }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        var log = serve.Log;
        await serve.DisposeAsync();
        throw new InvalidOperationException($"fleet-exporter serve did not answer on 127.0.0.1:{port} within 30 s:\n{log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
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
