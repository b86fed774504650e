using System.Net;
using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Stack;

/// <summary>One webhook call from Alertmanager: when it arrived, on which receiver's path, and its payload.</summary>
public sealed record Notification(DateTimeOffset ReceivedAt, string Receiver, JsonObject Payload)
{
    public string Status => Payload["status"]!.GetValue<string>();
    public IEnumerable<JsonObject> Alerts => Payload["alerts"]!.AsArray().Select(a => a!.AsObject());
}

/// <summary>A webhook endpoint on 127.0.0.1 standing in for a pager: it records every call with its arrival time.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<Notification> _received = [];
    private readonly Task _loop;

    public int Port { get; }

    public WebhookReceiver()
    {
        Port = PrometheusServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public IReadOnlyList<Notification> Received { get { lock (_received) return [.. _received]; } }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var at = DateTimeOffset.UtcNow;
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var payload = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
                lock (_received) _received.Add(new Notification(at, context.Request.Url!.AbsolutePath.Trim('/'), payload));
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async Task<Notification?> WaitForAsync(Func<Notification, bool> match, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (Received.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        return Received.FirstOrDefault(match);
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: after Stop, the managed listener's Close removes its prefixes again, which binds the port anew to
        // find them, and fails when another test's server has taken the port meanwhile ("Address already in use").
        _listener.Close();
        await _loop;
    }
}
