using System.Globalization;
using System.Net.Http.Headers;

namespace FleetExporter.Federation;

/// <summary>
/// The HTTP API of a Prometheus (or a store that speaks it: Thanos, Mimir): instant queries at one evaluation time,
/// with the credentials and TLS of <see cref="PrometheusHttpConfig"/>. Every failure is a <see cref="PrometheusException"/>
/// that names the URL.
/// </summary>
public sealed class PrometheusApi : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The most one answer may weigh: a fleet of thousands of agents answers a few MiB. Without a cap, a URL that
    /// streams without end filled the memory within seconds (an OutOfMemoryException trace, not an error).
    /// </summary>
    public const int MaxAnswerBytes = 64 << 20;

    private readonly HttpClient _http;

    public Uri BaseUrl { get; }

    public PrometheusApi(Uri baseUrl, PrometheusHttpConfig config)
    {
        BaseUrl = baseUrl;
        var handler = new SocketsHttpHandler { SslOptions = config.Tls.ClientOptions(), ConnectTimeout = TimeSpan.FromSeconds(5) };
        _http = new HttpClient(handler) { Timeout = Timeout, MaxResponseContentBufferSize = MaxAnswerBytes };
        if (config.AuthorizationHeader is { } header)
        {
            var space = header.IndexOf(' ');
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(header[..space], header[(space + 1)..]);
        }
    }

    /// <summary>A URL the API can be asked at: http or https, absolute, no query; a path prefix is kept (behind a proxy).</summary>
    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            throw new FormatException($"--prometheus {Text.Printable.Quote(text)}: not an http(s) URL (e.g. http://prometheus:9090)");
        // Credentials in the URL would be shown wherever the URL is (errors, the /fleet page); they go in the HTTP config.
        if (uri.UserInfo.Length > 0)
            throw new FormatException($"--prometheus {Text.Printable.Quote(uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped))}: " +
                                      "has credentials (user:password@); give them as basic_auth in --http.config.file, never in the URL");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            throw new FormatException($"--prometheus {Text.Printable.Quote(text)}: a base URL has no query or fragment");
        return uri;
    }

    public async Task<IReadOnlyList<PromSample>> VectorAsync(string promql, DateTimeOffset at, CancellationToken ct) =>
        PromResponse.Vector(await QueryAsync(promql, at, ct));

    public async Task<IReadOnlyList<PromSeries>> MatrixAsync(string promql, DateTimeOffset at, CancellationToken ct) =>
        PromResponse.Matrix(await QueryAsync(promql, at, ct));

    private async Task<string> QueryAsync(string promql, DateTimeOffset at, CancellationToken ct)
    {
        var time = (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var url = new Uri(BaseUrl.AbsoluteUri.TrimEnd('/') + "/api/v1/query?query=" + Uri.EscapeDataString(promql) + "&time=" + time);
        HttpResponseMessage response;
        try { response = await _http.GetAsync(url, ct); }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new PrometheusException($"Prometheus at {BaseUrl} answered more than {MaxAnswerBytes >> 20} MiB for {url.AbsolutePath}: not the API, or a fleet too large for one answer");
        }
        catch (HttpRequestException e) { throw new PrometheusException($"cannot reach Prometheus at {BaseUrl}: {Inner(e)}"); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PrometheusException($"Prometheus at {BaseUrl} did not answer within {Timeout.TotalSeconds:0} s");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode is 401 or 403)
                throw new PrometheusException($"Prometheus at {BaseUrl} refused the request: {(int)response.StatusCode} {response.ReasonPhrase} (credentials: --http.config.file)");
            // The API answers a bad query with 400/422 and a JSON error; anything else that is not 2xx is not the API.
            if (!response.IsSuccessStatusCode && (int)response.StatusCode is not (400 or 422 or 503))
                throw new PrometheusException($"Prometheus at {BaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase} for {url.AbsolutePath}");
            return body;
        }
    }

    /// <summary>The innermost reason (connection refused, certificate rejected), which is what the operator can act on.</summary>
    private static string Inner(Exception e)
    {
        var reasons = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) reasons.Add(x.Message.TrimEnd('.'));
        return string.Join(": ", reasons.Distinct());
    }

    public void Dispose() => _http.Dispose();
}
