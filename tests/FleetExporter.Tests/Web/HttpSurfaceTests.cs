using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>What any HTTP client can send: HEAD where GET is served, and odd requests that must never be a 500.</summary>
public sealed class HttpSurfaceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>One request over a raw socket, read to the end, so a body sent after a HEAD cannot hide.</summary>
    private static async Task<string> RawAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(reader, cts.Token);
        return Encoding.UTF8.GetString(reader.ToArray());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/")]
    [InlineData("/-/healthy")]
    [InlineData("/metrics")]
    public async Task Head_is_answered_like_get_with_no_body(string path)
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir);

        var response = await RawAsync(exporter.Port, $"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", response);
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, response);
        Assert.Equal("", response[(end + 4)..]);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("GET /%00 HTTP/1.1")]
    [InlineData("GET /..%2f..%2fetc%2fpasswd HTTP/1.1")]
    [InlineData("GET /metrics?format=%ff%fe&x[]=1 HTTP/1.1")]
    [InlineData("GET /metrics/%2e%2e/ HTTP/1.1")]
    [InlineData("GET //metrics HTTP/1.1")]
    [InlineData("GET /-/healthy/../../ HTTP/1.1")]
    [InlineData("GET * HTTP/1.1")]
    [InlineData("OPTIONS * HTTP/1.1")]
    [InlineData("GET http://evil.example/metrics HTTP/1.1")]
    [InlineData("GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text; version=99; q=nan, */*;q=-1")]
    [InlineData("GET /metrics HTTP/1.1\r\nX-Prometheus-Scrape-Timeout-Seconds: -1e308")]
    [InlineData("GET /metrics HTTP/1.1\r\nX-Prometheus-Scrape-Timeout-Seconds: 1e308")]
    [InlineData("GET / HTTP/1.1\r\nAuthorization: Basic ////")]
    [InlineData("GET / HTTP/1.1\r\nAccept-Encoding: gzip;q=2, br, zstd, *")]
    public async Task No_odd_request_gets_a_server_error(string requestHead)
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir);

        var response = await RawAsync(exporter.Port, $"{requestHead}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.Matches(@"^HTTP/1\.1 [1-4]\d\d ", response);
        Assert.DoesNotContain("   at ", response);
    }

    /// <summary>A clock that fails, so the join itself throws (as a regex timeout from a roster once did).</summary>
    private sealed class BrokenClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("the clock broke");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/metrics")]
    [InlineData("/")]
    public async Task A_collection_that_throws_is_a_plain_500_saying_why(string path)
    {
        var join = new FleetExporter.Fleet.FleetJoin(new FleetExporter.Sources.Systemd.SystemdSource(TimeProvider.System), new FleetExporter.Sources.Tmux.TmuxSource(),
            new FleetExporter.Sources.Processes.ProcessSource(), new FleetExporter.Sources.Heartbeats.HeartbeatSource(TimeProvider.System), new BrokenClock());
        await using var exporter = await InProcessExporter.StartAsync(_dir, join: join);

        var response = await RawAsync(exporter.Port, $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 500 ", response);
        Assert.Contains("internal error: InvalidOperationException: the clock broke", response);
        Assert.DoesNotContain("   at ", response);
    }

    private static string[] Families(string exposition) =>
        exposition.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToArray();

    [Fact(Timeout = 60_000)]
    public async Task Metrics_are_gzipped_when_the_scraper_accepts_gzip_and_plain_otherwise()
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir);
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });

        using var plain = await http.GetAsync(exporter.Url("/metrics"));
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, exporter.Url("/metrics"));
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var gzipped = await http.SendAsync(gzipRequest);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var plainBody = await plain.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.StartsWith("text/plain", gzipped.Content.Headers.ContentType?.MediaType);
        await using var unzip = new GZipStream(await gzipped.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var gzippedBody = await new StreamReader(unzip).ReadToEndAsync();
        Assert.NotEmpty(Families(plainBody));
        Assert.Equal(Families(plainBody), Families(gzippedBody));
    }

    [Fact(Timeout = 60_000)]
    public async Task Head_with_gzip_accepted_has_no_body()
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir);

        var response = await RawAsync(exporter.Port, "HEAD /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", response);
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, response);
        Assert.Equal("", response[(end + 4)..]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Pages_other_than_metrics_are_not_compressed()
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir);

        var response = await RawAsync(exporter.Port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", response);
        Assert.DoesNotContain("Content-Encoding", response, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _dir.Dispose();
}
