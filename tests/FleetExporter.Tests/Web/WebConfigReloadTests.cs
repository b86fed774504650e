using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>
/// The web config file is read again when it or a file it names changes, as the exporter-toolkit does: a rotated
/// certificate is served and a changed user list applies without a restart; a version that does not load, or that
/// changes what only a restart can, is refused and the last good one kept.
/// </summary>
public sealed class WebConfigReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly X509Certificate2 _ca = TestPki.Authority("reload-ca");

    public void Dispose() => _dir.Dispose();

    private void WriteCertificate(X509Certificate2 server)
    {
        _dir.Write("server.crt", TestPki.CertificatePem(server));
        _dir.Write("server.key", TestPki.KeyPem(server));
    }

    private async Task<InProcessExporter> StartAsync(string yaml)
    {
        var file = _dir.Write("web.yml", yaml);
        return await InProcessExporter.StartAsync(_dir, WebConfig.Load(file), webConfigFile: file);
    }

    /// <summary>The thumbprint of the certificate a fresh handshake is served.</summary>
    private static async Task<string> ServedAsync(InProcessExporter exporter)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, exporter.Port);
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return ssl.RemoteCertificate!.GetCertHashString();
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var until = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < until; await Task.Delay(200))
            if (await condition()) return true;
        return false;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_rotated_certificate_is_served_without_a_restart_and_a_broken_one_is_refused()
    {
        var first = TestPki.Server(_ca);
        var second = TestPki.Server(_ca);
        WriteCertificate(first);
        await using var exporter = await StartAsync("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
        Assert.Equal(first.GetCertHashString(), await ServedAsync(exporter));

        WriteCertificate(second);
        Assert.True(await EventuallyAsync(async () => await ServedAsync(exporter) == second.GetCertHashString()), "the rotated certificate was never served");

        // A certificate that is not PEM (a renewal caught half-written): the last good one keeps serving.
        _dir.Write("server.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n");
        await Task.Delay(2500);
        Assert.Equal(second.GetCertHashString(), await ServedAsync(exporter));

        // What only a restart can change is refused whole, with the certificate that came with it.
        var third = TestPki.Server(_ca);
        WriteCertificate(third);
        _dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n");
        await Task.Delay(2500);
        Assert.Equal(second.GetCertHashString(), await ServedAsync(exporter));

        // Put back as it was, the new certificate is taken.
        _dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
        Assert.True(await EventuallyAsync(async () => await ServedAsync(exporter) == third.GetCertHashString()), "the certificate was not taken once the config was good again");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_user_list_applies_at_the_next_request()
    {
        static string Users(string user, string password) => $"basic_auth_users:\n  {user}: '{BCrypt.Net.BCrypt.HashPassword(password, workFactor: 4)}'\n";
        await using var exporter = await StartAsync(Users("alice", "first"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        async Task<HttpStatusCode> GetAsync(string user, string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, exporter.Url("/-/healthy"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await GetAsync("alice", "first"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("bob", "second"));

        _dir.Write("web.yml", Users("bob", "second"));
        Assert.True(await EventuallyAsync(async () => await GetAsync("bob", "second") == HttpStatusCode.OK), "the new user was never let in");
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("alice", "first"));

        // A hash that is no bcrypt hash: refused, bob stays.
        _dir.Write("web.yml", "basic_auth_users:\n  carol: 'plain'\n");
        await Task.Delay(2500);
        Assert.Equal(HttpStatusCode.OK, await GetAsync("bob", "second"));
    }

    [Fact]
    public void Restart_only_settings_are_named()
    {
        var plain = WebConfig.None;
        Assert.Null(LiveWebConfig.NeedsRestart(plain, plain with { BasicAuthUsers = new Dictionary<string, string> { ["a"] = "x" } }));
        Assert.Equal("rate_limit", LiveWebConfig.NeedsRestart(plain, plain with { RateLimit = new RateLimit(TimeSpan.FromSeconds(1), 5) }));
        Assert.Equal("http_server_config", LiveWebConfig.NeedsRestart(plain, plain with { Http = new HttpServerConfig(false, new Dictionary<string, string>()) }));
        Assert.Null(LiveWebConfig.NeedsRestart(plain, plain with { Http = new HttpServerConfig(true, new Dictionary<string, string>()) }));
    }
}
