using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// The exporter-toolkit keys beyond certificates: checked at load with the file and line, and honoured on a real
/// Kestrel port (http_server_config.headers on every response, rate_limit as a token bucket).
/// </summary>
public sealed class WebConfigToolkitKeysTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public WebConfigToolkitKeysTests()
    {
        var ca = TestPki.Authority("keys test CA");
        var server = TestPki.Server(ca);
        _dir.Write("server.crt", TestPki.CertificatePem(server));
        _dir.Write("server.key", TestPki.KeyPem(server));
        _dir.Write("ca.crt", TestPki.CertificatePem(ca));
    }

    private const string Tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";

    [Theory]
    [InlineData(Tls + "  curve_preferences: [X25519]\n", 4, "curve_preferences: not supported: .NET cannot choose")]
    [InlineData(Tls + "  curve_preferences: [X448]\n", 4, "unknown curve \"X448\"")]
    [InlineData(Tls + "  min_version: TLS14\n", 4, "min_version: unknown TLS version \"TLS14\"")]
    [InlineData(Tls + "  min_version: TLS13\n  max_version: TLS12\n", 4, "min_version: TLS13 is above max_version TLS12")]
    [InlineData(Tls + "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", 4, "cipher_suites: unknown cipher \"TLS_RSA_WITH_RC4_128_SHA\"")]
    [InlineData(Tls + "  client_auth_type: RequireSomething\n", 4, "client_auth_type: invalid ClientAuth \"RequireSomething\"")]
    [InlineData(Tls + "  client_ca_file: ca.crt\n", 4, "client CA's have been configured without a Client Auth Policy")]
    [InlineData(Tls + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: server.key\n", 5, "client_ca_file: ")]
    [InlineData(Tls + "  client_allowed_sans: [a]\n", 4, "client_allowed_sans: needs a client_auth_type")]
    [InlineData(Tls + "  prefer_server_cipher_suites: maybe\n", 4, "expected true or false")]
    [InlineData(Tls + "  cert: inline\n", 4, "give cert_file or cert, not both")]
    [InlineData(Tls + "  ocsp: true\n", 4, "tls_server_config.ocsp: not supported")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n", 2, "missing one of key or key_file")]
    [InlineData("http_server_config:\n  headers:\n    X-Powered-By: me\n", 3, "HTTP header \"X-Powered-By\" can not be configured")]
    [InlineData("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", 3, "invalid value \"allow\"; expected one of: deny, sameorigin")]
    [InlineData("http_server_config:\n  http2: yes-please\n", 2, "http2: \"yes-please\": expected true or false")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: 0\n", 3, "rate_limit.burst")]
    [InlineData("rate_limit:\n  interval: soon\n  burst: 5\n", 2, "rate_limit.interval")]
    public void A_toolkit_key_with_a_value_that_cannot_work_is_refused_with_its_line(string yaml, int line, string message)
    {
        var file = _dir.Write("web.yml", yaml);

        var error = Assert.Throws<WebConfigException>(() => WebConfig.Load(file));

        Assert.Contains($"{file}:{line}: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_toolkit_defaults_are_TLS12_to_TLS13_no_client_certificate_and_http2()
    {
        var config = WebConfig.Load(_dir.Write("web.yml", Tls));

        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13, config.Tls!.Protocols);
        Assert.Equal(FleetExporter.Web.Tls.ClientAuthType.NoClientCert, config.Tls.ClientAuth.Type);
        Assert.Null(config.Tls.CipherSuites);
        Assert.True(config.Http.Http2);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void TLS10_is_accepted_with_a_warning_that_OpenSSL_may_refuse_it()
    {
        var file = _dir.Write("web.yml", Tls + "  min_version: TLS10\n");

        var config = WebConfig.Load(file);

        Assert.Contains($"{file}:4: tls_server_config.min_version TLS10", Assert.Single(config.Warnings));
    }

    [Fact]
    public void The_older_name_RequireClientCert_means_RequireAnyClientCert_as_in_the_toolkit()
    {
        var config = WebConfig.Load(_dir.Write("web.yml", Tls + "  client_auth_type: RequireClientCert\n"));

        Assert.Equal(FleetExporter.Web.Tls.ClientAuthType.RequireAnyClientCert, config.Tls!.ClientAuth.Type);
    }

    [Fact(Timeout = 60_000)]
    public async Task Configured_headers_are_on_every_response_refusals_included()
    {
        var hash = BCrypt.Net.BCrypt.HashPassword("s3cret", workFactor: 4);
        var config = WebConfig.Load(_dir.Write("web.yml",
            $"basic_auth_users:\n  prom: '{hash}'\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n" +
            "    Strict-Transport-Security: max-age=31536000; includeSubDomains\n    Content-Security-Policy: \"default-src 'self'\"\n    X-XSS-Protection: ''\n"));
        await using var exporter = await InProcessExporter.StartAsync(_dir, config);

        using var refused = await _http.GetAsync(exporter.Url("/-/healthy"));
        var request = new HttpRequestMessage(HttpMethod.Get, exporter.Url("/metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prom:s3cret")));
        using var served = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        foreach (var response in new[] { refused, served })
        {
            Assert.Equal("deny", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
            Assert.Equal("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.False(response.Headers.Contains("X-XSS-Protection"), "a blank header is unset");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Rate_limit_answers_429_once_the_burst_is_spent()
    {
        var config = WebConfig.Load(_dir.Write("web.yml", "rate_limit:\n  interval: 1h\n  burst: 3\n"));
        await using var exporter = await InProcessExporter.StartAsync(_dir, config);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _http.GetAsync(exporter.Url("/-/healthy"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public void Rate_limit_with_interval_0_is_off()
    {
        Assert.Null(WebConfig.Load(_dir.Write("web.yml", "rate_limit:\n  interval: 0\n  burst: 0\n")).RateLimit);
    }

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }
}
