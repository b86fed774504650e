using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// One tab of <see cref="HeadlessChromium"/>: navigate, read the DOM with JavaScript, size the viewport, take a PNG.
/// It records every console error, uncaught exception and browser log error (a failed resource load, a 404 favicon)
/// in <see cref="Errors"/>, and counts the main frame's loads, so a page that reloads itself can be seen doing so.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly CdpSocket _cdp;
    private readonly List<string> _errors = [];
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _loads;

    /// <summary>Times the page finished loading (its load event), the first navigation included.</summary>
    public int Loads => Volatile.Read(ref _loads);

    public IReadOnlyList<string> Errors { get { lock (_errors) return [.. _errors]; } }

    private BrowserPage(CdpSocket cdp)
    {
        _cdp = cdp;
        _cdp.Event += OnEvent;
    }

    public static async Task<BrowserPage> OpenAsync(Uri webSocket)
    {
        var page = new BrowserPage(await CdpSocket.ConnectAsync(webSocket));
        foreach (var domain in new[] { "Page", "Runtime", "Log" }) await page._cdp.SendAsync(domain + ".enable");
        return page;
    }

    private void OnEvent(string method, JsonElement p)
    {
        switch (method)
        {
            case "Page.loadEventFired":
                Interlocked.Increment(ref _loads);
                _loaded.TrySetResult();
                break;
            case "Runtime.consoleAPICalled" when p.GetProperty("type").GetString() is "error" or "assert":
                Record("console." + p.GetProperty("type").GetString() + ": " + string.Join(' ', p.GetProperty("args").EnumerateArray().Select(a => a.ToString())));
                break;
            case "Runtime.exceptionThrown":
                Record("exception: " + p.GetProperty("exceptionDetails").ToString());
                break;
            case "Log.entryAdded" when p.GetProperty("entry").GetProperty("level").GetString() == "error":
                var entry = p.GetProperty("entry");
                Record($"log ({entry.GetProperty("source").GetString()}): {entry.GetProperty("text").GetString()} {(entry.TryGetProperty("url", out var url) ? url.GetString() : "")}");
                break;
        }
    }

    private void Record(string error) { lock (_errors) _errors.Add(error); }

    /// <summary>Loads <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url, TimeSpan? within = null)
    {
        var loaded = _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await _cdp.SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        if (result.TryGetProperty("errorText", out var error)) throw new InvalidOperationException($"navigating to {url}: {error.GetString()}");
        await loaded.Task.WaitAsync(within ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Clicks the first element the CSS selector finds and waits for the page it leads to.</summary>
    public async Task ClickAndWaitAsync(string selector)
    {
        var loaded = _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await EvaluateAsync($"document.querySelector({JsonValue.Create(selector).ToJsonString()}).click()");
        await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The value of a JavaScript expression (JSON-able: returned by value); a thrown error fails the test.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await _cdp.SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result.TryGetProperty("exceptionDetails", out var thrown)) throw new InvalidOperationException($"{expression}\nthrew: {thrown}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>A desktop viewport of this size (not a mobile one: no zoom-out to fit a wide page).</summary>
    public Task SetViewportAsync(int width, int height) =>
        _cdp.SendAsync("Emulation.setDeviceMetricsOverride",
            new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });

    /// <summary>A PNG of what the viewport shows.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var shot = await _cdp.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, TimeSpan.FromSeconds(60));
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _cdp.Event -= OnEvent;
        await _cdp.DisposeAsync();
    }
}
