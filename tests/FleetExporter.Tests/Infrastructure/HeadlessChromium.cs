using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, which tests/run.sh installs), headless, with a fresh profile and the
/// DevTools protocol on a port the kernel picks. Nothing is downloaded and no driver package is used: pages are driven
/// over <see cref="CdpSocket"/>. Disposing kills its whole process tree and removes the profile.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Binary = "/usr/bin/chromium";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    private readonly Process _process;
    private readonly TempDirectory _profile;
    private readonly StringBuilder _log = new();
    private int _port;

    private HeadlessChromium(Process process, TempDirectory profile) { _process = process; _profile = profile; }

    public static async Task<HeadlessChromium> StartAsync()
    {
        Assert.True(File.Exists(Binary), $"no {Binary}: run tests/run.sh, which installs Debian's chromium package (apt-get install chromium)");
        var profile = new TempDirectory();
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        // No sandbox: the tests run as root. The rest keeps it from reaching any network service of its own.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio", $"--user-data-dir={profile.Path}",
                     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank" })
            start.ArgumentList.Add(a);
        var browser = new HeadlessChromium(Process.Start(start)!, profile);
        browser._process.OutputDataReceived += (_, e) => browser.Log(e.Data);
        browser._process.ErrorDataReceived += (_, e) => browser.Log(e.Data);
        browser._process.BeginOutputReadLine();
        browser._process.BeginErrorReadLine();
        try
        {
            browser._port = await browser.DevToolsPortAsync(TimeSpan.FromSeconds(30));
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>The output so far (the tail only): what to show when the browser misbehaves.</summary>
    public string Output { get { lock (_log) return _log.ToString(); } }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.AppendLine(line);
            if (_log.Length > 20_000) _log.Remove(0, _log.Length - 10_000);
        }
    }

    /// <summary>Chromium writes the port it bound into the profile's DevToolsActivePort once it listens.</summary>
    private async Task<int> DevToolsPortAsync(TimeSpan within)
    {
        var file = _profile.File("DevToolsActivePort");
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (File.Exists(file) && File.ReadAllLines(file) is [var port, ..] && int.TryParse(port, out var p)) return p;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"Chromium did not open its DevTools port within {within.TotalSeconds} s (exited: {_process.HasExited}):\n{Output}");
    }

    /// <summary>A new tab, blank, at 1280x900 until told otherwise.</summary>
    public async Task<BrowserPage> OpenPageAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"http://127.0.0.1:{_port}/json/new?about:blank");
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var target = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var page = await BrowserPage.OpenAsync(new Uri(target.RootElement.GetProperty("webSocketDebuggerUrl").GetString()!));
        await page.SetViewportAsync(1280, 900);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await _process.WaitForExitAsync(wait.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        _profile.Dispose();
    }
}
