using System.IO.Compression;
using System.Net.Http.Headers;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using Prometheus;

namespace FleetExporter.Web;

/// <summary>
/// The metrics page: each scrape waits for a collection (shared across concurrent scrapes, bounded by the scrape
/// timeout), then gets the registry's exposition in the format it negotiated. A gzipped page is rendered once per
/// collection and format and handed to every scrape that shares the collection, instead of each one rendering and
/// compressing its own (4.7 MiB of text at 1000 agents). The path test matches what routing would accept (any case,
/// a trailing slash), so no spelling of the path serves old data.
/// </summary>
internal static class MetricsEndpoint
{
    public static void MapFleetMetrics(this WebApplication app, string path)
    {
        var collector = app.Services.GetRequiredService<ScrapeCollector>();
        var pages = new RenderedPages(app.Services.GetRequiredService<FleetMetrics>());
        app.UseWhen(ctx => IsMetricsPath(ctx.Request.Path, path), branch => branch.Run(async ctx =>
        {
            var budget = ScrapeBudget.FromHeader(ctx.Request.Headers[ScrapeBudget.Header]);
            FleetSnapshot snapshot;
            try
            {
                // A collection started earlier (by the landing page, OTLP, another scrape) may have a longer deadline
                // than this scrape: wait only as long as this scrape may.
                snapshot = await collector.CollectAsync(budget).WaitAsync(budget + ScrapeBudget.Margin * 0.8);
            }
            catch (TimeoutException)
            {
                ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await ctx.Response.WriteAsync($"collection did not finish within the scrape timeout ({budget.TotalSeconds:0.#} s)\n");
                return;
            }
            await ServeAsync(ctx, snapshot, pages);
        }));
    }

    internal static bool IsMetricsPath(PathString requested, string path) =>
        requested.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/");

    private static async Task ServeAsync(HttpContext ctx, FleetSnapshot snapshot, RenderedPages pages)
    {
        var (format, contentType) = Negotiate(ctx.Request);
        var response = ctx.Response;
        response.Headers.Vary = "Accept-Encoding";
        try
        {
            if (AcceptsGzip(ctx.Request))
            {
                var page = await pages.GzipAsync(snapshot, format, ctx.RequestAborted);
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = contentType;
                response.Headers.ContentEncoding = "gzip";
                response.ContentLength = page.Length;
                if (!HttpMethods.IsHead(ctx.Request.Method)) await WriteInChunksAsync(response.Body, page, ctx.RequestAborted);
                return;
            }
            // Uncompressed (curl, a browser): streamed as it renders, nothing kept.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            await pages.Metrics.WriteAsync(response.Body, format, snapshot, ctx.RequestAborted);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The scraper left; nothing to say to it.
        }
    }

    /// <summary>
    /// The shared page, a chunk at a time: Kestrel copies what one write gives it into its own buffers before it waits
    /// for the client, so writing the page at once held a copy of it per scrape in flight (50 copies of 314 KiB at 1000
    /// agents under 50 concurrent scrapes); a chunk per write holds one chunk and Kestrel's 64 KiB per connection.
    /// </summary>
    internal static async Task WriteInChunksAsync(Stream body, byte[] page, CancellationToken cancel)
    {
        for (var offset = 0; offset < page.Length; offset += PageChunk)
            await body.WriteAsync(page.AsMemory(offset, Math.Min(PageChunk, page.Length - offset)), cancel);
    }

    internal const int PageChunk = 16 * 1024;

    /// <summary>
    /// As prometheus-net's own middleware negotiates: OpenMetrics when the scraper prefers it (the Accept header, or an
    /// <c>accept</c> query parameter for a browser), otherwise the text format.
    /// </summary>
    internal static (ExpositionFormat Format, string ContentType) Negotiate(HttpRequest request)
    {
        var accept = request.Query.TryGetValue("accept", out var fromQuery) ? fromQuery.ToString() : request.Headers.Accept.ToString();
        var candidates = accept.Split(',')
            .Select(c => MediaTypeWithQualityHeaderValue.TryParse(c, out var type) ? type : null)
            .OfType<MediaTypeWithQualityHeaderValue>()
            .OrderByDescending(t => t.Quality.GetValueOrDefault(1));
        foreach (var candidate in candidates)
        {
            if (candidate.MediaType == PrometheusConstants.TextContentType) break;
            if (candidate.MediaType == PrometheusConstants.OpenMetricsContentType)
                return (ExpositionFormat.OpenMetricsText, PrometheusConstants.OpenMetricsContentTypeWithVersionAndEncoding);
        }
        return (ExpositionFormat.PrometheusText, PrometheusConstants.TextContentTypeWithVersionAndEncoding);
    }

    /// <summary>
    /// gzip (or *) listed without q=0. Only gzip: it is what scrapers send, on every scrape (the page shrinks 5x at 5
    /// agents, 12x at 100). Over HTTPS too, as node_exporter does: the page reflects nothing a client sends, so
    /// BREACH has nothing to guess.
    /// </summary>
    internal static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
            foreach (var part in (value ?? "").Split(','))
                if (StringWithQualityHeaderValue.TryParse(part, out var coding)
                    && (coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Value == "*")
                    && coding.Quality is not <= 0)
                    return true;
        return false;
    }
}

/// <summary>
/// The last collection's page, gzipped, per format: rendered by the first scrape that asks and reused by every other
/// scrape of the same collection. A new collection replaces it, so one page per format is kept (~250 KiB at 1000 agents).
/// </summary>
internal sealed class RenderedPages(FleetMetrics metrics)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FleetSnapshot? _of;
    private readonly Dictionary<ExpositionFormat, byte[]> _pages = [];

    public FleetMetrics Metrics => metrics;

    public async Task<byte[]> GzipAsync(FleetSnapshot snapshot, ExpositionFormat format, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            if (!ReferenceEquals(_of, snapshot)) { _pages.Clear(); _of = snapshot; }
            if (_pages.TryGetValue(format, out var page)) return page;
            using var buffer = new MemoryStream();
            await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                await metrics.WriteAsync(gzip, format, snapshot, CancellationToken.None);
            return _pages[format] = buffer.ToArray();
        }
        finally
        {
            _gate.Release();
        }
    }
}
