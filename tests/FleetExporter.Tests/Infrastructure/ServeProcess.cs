using System.Diagnostics;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>The real `fleet-exporter serve` (or `demo`) as a child process on 127.0.0.1, stopped with SIGINT at the end.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };
    /// <summary>For <c>https</c>: the tests' certificates are self-signed.</summary>
    private static readonly HttpClient Https = new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { Timeout = TimeSpan.FromSeconds(15) };
    private bool _https;
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    /// <summary>The port the kernel gave (it listens on port 0, so no other process can take it first).</summary>
    public int Port { get; private set; }
    public int Pid => _process.Id;
    public string Url => $"{(_https ? "https" : "http")}://127.0.0.1:{Port}";
    public string Output { get { lock (_output) return _output.ToString(); } }

    private ServeProcess(Process process) => _process = process;

    /// <summary>
    /// Starts <paramref name="command"/> of the build beside the tests, or of <paramref name="executable"/> (the native
    /// binary, say); <paramref name="basicAuth"/> (<c>user:password</c>) signs in the readiness probe.
    /// </summary>
    public static Task<ServeProcess> StartAsync(string command, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, bool https = false,
        string? executable = null, string? basicAuth = null) =>
        LaunchAsync([.. executable is null ? ["dotnet", FleetBinary.Dll] : new[] { executable }, command, "--web.listen-address", "127.0.0.1:0", .. args],
            port: null, env, https, basicAuth);

    /// <summary>
    /// Runs <paramref name="argv"/> as given (e.g. <c>systemd-socket-activate -l ... dotnet fleet-exporter.dll serve ...</c>,
    /// which execs into the exporter) and waits for it on <paramref name="port"/>, or on the port of its first "serving" line.
    /// </summary>
    public static async Task<ServeProcess> LaunchAsync(IReadOnlyList<string> argv, int? port, IReadOnlyDictionary<string, string>? env = null, bool https = false,
        string? basicAuth = null)
    {
        // SIGINT at its default even where the test run ignores it (nohup, a background job), or Ctrl-C could not stop it.
        var start = new ProcessStartInfo("env")
        {
            ArgumentList = { "--default-signal=INT" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = Process.Start(start)!;
        var serve = new ServeProcess(process) { _https = https, Port = port ?? 0 };
        process.OutputDataReceived += (_, e) => { lock (serve._output) serve._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (serve._output) serve._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (serve.Port == 0 && ServingLine.Match(serve.Output) is { Success: true } m) serve.Port = int.Parse(m.Groups[1].Value);
            if (serve.Port != 0)
            {
                try { if (await ProbeAsync(serve.Url + "/-/healthy", https, basicAuth) == "OK\n") return serve; }
                catch (HttpRequestException) { }
            }
            await Task.Delay(100);
        }
        var output = serve.Output;
        await serve.DisposeAsync();
        throw new InvalidOperationException($"{string.Join(' ', argv)} did not answer (port {serve.Port}):\n{output}");
    }

    private static async Task<string> ProbeAsync(string url, bool https, string? basicAuth)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (basicAuth is not null)
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basicAuth)));
        using var response = await (https ? Https : Http).SendAsync(request);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
    }

    /// <summary>GET with the status code, for pages that may answer other than 200.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> GetWithStatusAsync(string path)
    {
        using var response = await (_https ? Https : Http).GetAsync(Url + path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static readonly System.Text.RegularExpressions.Regex ServingLine = new(@"serving https?://127\.0\.0\.1:(\d+)/");

    public Task<string> GetAsync(string path) => (_https ? Https : Http).GetStringAsync(Url + path);

    /// <summary>Sends SIGINT (Ctrl-C) and waits for the exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan within)
    {
        if (!_process.HasExited) Kill(_process.Id, 2);
        using var cts = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill(_process.Id, 2);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
