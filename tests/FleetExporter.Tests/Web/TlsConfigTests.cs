using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// The web config's tls_server_config on a real Kestrel port with real certificates made here: client certificates
/// (mTLS) per client_auth_type, client_allowed_sans, TLS versions and cipher suites, as the exporter-toolkit has them.
/// </summary>
public sealed class TlsConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly X509Certificate2 _ca = TestPki.Authority("fleet test CA");
    private readonly X509Certificate2 _otherCa = TestPki.Authority("another CA");

    public TlsConfigTests()
    {
        var server = TestPki.Server(_ca);
        _dir.Write("server.crt", TestPki.CertificatePem(server));
        _dir.Write("server.key", TestPki.KeyPem(server));
        _dir.Write("ca.crt", TestPki.CertificatePem(_ca));
    }

    private async Task<InProcessExporter> StartAsync(string tlsLines, string extra = "") =>
        await InProcessExporter.StartAsync(_dir, WebConfig.Load(_dir.Write("web.yml",
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + tlsLines + extra)));

    /// <summary>GET /-/healthy over TLS with the given client certificate; the status, or the exception of a refused connection.</summary>
    private static async Task<HttpStatusCode> GetAsync(InProcessExporter exporter, X509Certificate2? clientCertificate)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (clientCertificate is not null) handler.SslOptions.ClientCertificates = [clientCertificate];
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync($"https://127.0.0.1:{exporter.Port}/-/healthy");
        return response.StatusCode;
    }

    /// <summary>A bare TLS handshake, to read what was negotiated.</summary>
    private static async Task<SslStream> HandshakeAsync(InProcessExporter exporter, SslProtocols protocols, CipherSuitesPolicy? ciphers = null)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, exporter.Port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = ciphers,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return ssl;
    }

    [Fact(Timeout = 60_000)]
    public async Task With_RequireAndVerifyClientCert_only_a_client_certificate_of_the_client_CA_gets_in()
    {
        await using var exporter = await StartAsync("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");

        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_ca, "prometheus.test")));
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(exporter, null));
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(exporter, TestPki.Client(_otherCa, "prometheus.test")));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_VerifyClientCertIfGiven_no_certificate_gets_in_but_a_foreign_one_does_not()
    {
        await using var exporter = await StartAsync("  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n");

        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, null));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_ca, "prometheus.test")));
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(exporter, TestPki.Client(_otherCa, "prometheus.test")));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_RequireAnyClientCert_any_certificate_gets_in_and_none_does_not()
    {
        await using var exporter = await StartAsync("  client_auth_type: RequireAnyClientCert\n");

        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_otherCa, "anyone.test")));
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(exporter, null));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_RequestClientCert_a_certificate_is_asked_for_and_not_needed()
    {
        await using var exporter = await StartAsync("  client_auth_type: RequestClientCert\n");

        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, null));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_otherCa, "anyone.test")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Client_allowed_sans_admit_a_certificate_by_its_dns_email_or_uri_name_and_refuse_the_rest()
    {
        await using var exporter = await StartAsync(
            "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: [prometheus.test, 'spiffe://fleet/prom', ops@fleet.test]\n");

        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_ca, "prometheus.test")));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_ca, "other.test", uri: "spiffe://fleet/prom")));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(exporter, TestPki.Client(_ca, "other.test", email: "ops@fleet.test")));
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(exporter, TestPki.Client(_ca, "intruder.test")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Min_version_TLS13_refuses_a_TLS12_client()
    {
        await using var exporter = await StartAsync("  min_version: TLS13\n");

        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(exporter, SslProtocols.Tls12));
        await using var ok = await HandshakeAsync(exporter, SslProtocols.Tls12 | SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls13, ok.SslProtocol);
    }

    [Fact(Timeout = 60_000)]
    public async Task By_default_TLS12_and_TLS13_are_served_as_in_the_toolkit_and_max_version_caps_them()
    {
        await using (var byDefault = await StartAsync(""))
        {
            await using var tls12 = await HandshakeAsync(byDefault, SslProtocols.Tls12);
            Assert.Equal(SslProtocols.Tls12, tls12.SslProtocol);
            await using var tls13 = await HandshakeAsync(byDefault, SslProtocols.Tls12 | SslProtocols.Tls13);
            Assert.Equal(SslProtocols.Tls13, tls13.SslProtocol);
        }
        await using var capped = await StartAsync("  max_version: TLS12\n");
        await using var negotiated = await HandshakeAsync(capped, SslProtocols.Tls12 | SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls12, negotiated.SslProtocol);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cipher_suites_limit_what_a_TLS12_client_may_use()
    {
        await using var exporter = await StartAsync("  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n");

        await Assert.ThrowsAnyAsync<Exception>(() =>
            HandshakeAsync(exporter, SslProtocols.Tls12, new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256])));
        await using var ok = await HandshakeAsync(exporter, SslProtocols.Tls12);
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ok.NegotiatedCipherSuite);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cipher_suites_leave_TLS13_to_its_own_suites_as_in_Go()
    {
        await using var exporter = await StartAsync("  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n");

        await using var ok = await HandshakeAsync(exporter, SslProtocols.Tls13);

        Assert.Equal(SslProtocols.Tls13, ok.SslProtocol);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task Http2_is_offered_over_TLS_unless_turned_off(bool http2, int expectedMajor)
    {
        await using var exporter = await StartAsync("", $"http_server_config:\n  http2: {(http2 ? "true" : "false")}\n");
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var http = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

        using var response = await http.GetAsync($"https://127.0.0.1:{exporter.Port}/-/healthy");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedMajor, response.Version.Major);
    }

    public void Dispose() => _dir.Dispose();
}
