using System.IO.Compression;
using FleetExporter.Fleet;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Web;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace FleetExporter.Tests.Web;

/// <summary>The metrics page's negotiation (as prometheus-net's own) and its one render per collection and format.</summary>
public sealed class MetricsEndpointTests
{
    private static FleetSnapshot Snapshot(string host) =>
        new(DateTimeOffset.UtcNow, RosterLoader.Parse($"host: {host}\nagents: []\n", "r.yaml"), [], [], TimeSpan.Zero);

    private static HttpRequest Request(string? accept = null, string? acceptEncoding = null, string query = "")
    {
        var ctx = new DefaultHttpContext();
        if (accept is not null) ctx.Request.Headers.Accept = accept;
        if (acceptEncoding is not null) ctx.Request.Headers.AcceptEncoding = acceptEncoding;
        ctx.Request.QueryString = new QueryString(query);
        return ctx.Request;
    }

    [Theory]
    [InlineData(null, "", false)]
    [InlineData("application/openmetrics-text; version=1.0.0", "", true)]
    [InlineData("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1", "", true)]
    [InlineData("text/plain;q=1, application/openmetrics-text;q=0.5", "", false)]
    [InlineData("application/openmetrics-text; version=99; q=nan, */*;q=-1", "", true)]
    [InlineData(null, "?accept=application/openmetrics-text", true)]
    [InlineData("application/openmetrics-text", "?accept=text/plain", false)]
    public void The_format_is_negotiated_as_prometheus_net_does(string? accept, string query, bool openMetrics)
    {
        var (format, contentType) = MetricsEndpoint.Negotiate(Request(accept, query: query));

        Assert.Equal(openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, format);
        Assert.Equal(openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8", contentType);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("br, gzip;q=0.5", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("br, zstd", false)]
    [InlineData("*", true)]
    [InlineData("identity", false)]
    public void Gzip_only_when_the_scraper_accepts_it(string? acceptEncoding, bool gzip) =>
        Assert.Equal(gzip, MetricsEndpoint.AcceptsGzip(Request(acceptEncoding: acceptEncoding)));

    [Fact]
    public async Task Scrapes_of_one_collection_share_one_page_and_a_new_collection_renders_anew()
    {
        var metrics = new FleetMetrics();
        var pages = new RenderedPages(metrics);
        var first = Snapshot("host-a");
        metrics.Publish(first);

        var text = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pages.GzipAsync(first, ExpositionFormat.PrometheusText, default)));
        var open = await pages.GzipAsync(first, ExpositionFormat.OpenMetricsText, default);

        Assert.All(text, page => Assert.Same(text[0], page));
        Assert.Contains("fleet_roster_agents{host=\"host-a\"} 0", Unzip(text[0]));
        Assert.EndsWith("# EOF\n", Unzip(open));
        Assert.DoesNotContain("# EOF", Unzip(text[0]));
        Assert.Same(text[0], await pages.GzipAsync(first, ExpositionFormat.PrometheusText, default));

        var second = Snapshot("host-b");
        metrics.Publish(second);
        var next = await pages.GzipAsync(second, ExpositionFormat.PrometheusText, default);
        Assert.NotSame(text[0], next);
        Assert.Contains("fleet_roster_agents{host=\"host-b\"} 0", Unzip(next));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MetricsEndpoint.PageChunk)]
    [InlineData(322_560)] // the gzipped page at 1000 agents
    public async Task A_shared_page_goes_out_whole_one_chunk_a_write(int length)
    {
        var page = new byte[length];
        new Random(length).NextBytes(page);
        var body = new RecordingStream();

        await MetricsEndpoint.WriteInChunksAsync(body, page, default);

        Assert.Equal(page, body.ToArray());
        Assert.All(body.Writes, w => Assert.InRange(w, 1, MetricsEndpoint.PageChunk));
        Assert.Equal((length + MetricsEndpoint.PageChunk - 1) / MetricsEndpoint.PageChunk, body.Writes.Count);
    }

    /// <summary>A memory stream that remembers the size of every write.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    private static string Unzip(byte[] page)
    {
        using var unzip = new GZipStream(new MemoryStream(page), CompressionMode.Decompress);
        return new StreamReader(unzip).ReadToEnd();
    }
}
