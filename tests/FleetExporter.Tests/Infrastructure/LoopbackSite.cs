using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// A tiny Kestrel on 127.0.0.1 serving fixed pages the product rendered (a 1000-agent landing page, a 1000-agent
/// exposition): for Chromium or Prometheus to read what a real fleet of that size would be too slow to start. Any
/// other path is a 404, which a browser test sees as an error.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    public string Url { get; }

    private LoopbackSite(WebApplication app) { _app = app; Url = app.Urls.Single().TrimEnd('/'); }

    /// <summary>Each path's content type and body, the body made from the request's query (e.g. <c>?refresh=</c>).</summary>
    public static async Task<LoopbackSite> StartAsync(IReadOnlyDictionary<string, (string ContentType, Func<IQueryCollection, string> Body)> pages)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        foreach (var (path, page) in pages)
            app.MapGet(path, (HttpRequest request) => Results.Content(page.Body(request.Query), page.ContentType));
        await app.StartAsync();
        return new LoopbackSite(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
