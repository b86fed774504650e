using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// One Chrome DevTools Protocol connection (a page's WebSocket): numbered commands answered by id, and events passed
/// to <see cref="Event"/> as they arrive. In-box ClientWebSocket and System.Text.Json: no browser-driver package.
/// </summary>
public sealed class CdpSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    /// <summary>Every event: its method (e.g. <c>Page.loadEventFired</c>) and its params. Called on the reader's thread.</summary>
    public event Action<string, JsonElement>? Event;

    private CdpSocket() { }

    public static async Task<CdpSocket> ConnectAsync(Uri url)
    {
        var cdp = new CdpSocket();
        // Screenshots of a tall page come back as megabytes of base64.
        cdp._socket.Options.SetBuffer(1 << 16, 1 << 16);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await cdp._socket.ConnectAsync(url, timeout.Token);
        cdp._reader = Task.Run(cdp.ReadAsync);
        return cdp;
    }

    /// <summary>Sends a command and returns its <c>result</c>; a protocol error or no answer in time is an exception.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _send.WaitAsync();
        try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token); }
        finally { _send.Release(); }
        try
        {
            return await answer.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Chromium did not answer {method} within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s");
        }
        finally { _pending.TryRemove(id, out _); }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var read = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (read.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, read.Count);
                if (!read.EndOfMessage) continue;
                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        foreach (var waiting in _pending.Values) waiting.TrySetException(new IOException("the DevTools connection closed"));
    }

    private void Dispatch(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.TryGetProperty("id", out var id))
        {
            if (!_pending.TryGetValue(id.GetInt32(), out var answer)) return;
            if (root.TryGetProperty("error", out var error)) answer.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
            else answer.TrySetResult(root.GetProperty("result").Clone());
            return;
        }
        if (root.TryGetProperty("method", out var method))
            Event?.Invoke(method.GetString()!, root.TryGetProperty("params", out var p) ? p.Clone() : default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        _socket.Dispose();
        _stop.Dispose();
        _send.Dispose();
    }
}
