using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Federation;

/// <summary>
/// <c>ps --prometheus</c> against a real Prometheus behind TLS and basic auth (its own <c>--web.config.file</c>): the
/// http_config of <c>--http.config.file</c> gets in; without it, or with a wrong password, it is exit code 7 with the reason.
/// </summary>
public sealed class PrometheusAuthTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string User = "ops";
    private const string Password = "correct horse";

    [Fact(Timeout = 90_000)]
    public async Task The_http_config_file_carries_the_ca_and_basic_auth_and_a_refusal_says_why()
    {
        using var dir = new TempDirectory();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=prometheus.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        dir.Write("server.crt", cert.ExportCertificatePem());
        dir.Write("server.key", key.ExportPkcs8PrivateKeyPem());
        var web = dir.Write("web.yml", $"tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  {User}: {BCrypt.Net.BCrypt.HashPassword(Password, 4)}\n");
        var config = dir.Write("prometheus.yml", "global:\n  scrape_interval: 1s\n");
        var port = PrometheusServer.FreePort();
        using var ready = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        ready.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        await using var prometheus = await Daemon.StartAsync(PrometheusServer.Binary,
            [$"--config.file={config}", $"--storage.tsdb.path={dir.File("data")}", $"--web.listen-address=127.0.0.1:{port}", $"--web.config.file={web}", "--log.level=warn"],
            $"https://127.0.0.1:{port}/-/ready", dir.Path, ready);
        var url = $"https://127.0.0.1:{port}";
        dir.Write("password", Password + "\n");
        dir.Write("wrong", "battery staple\n");

        var ok = await FleetBinary.RunAsync(["ps", "--prometheus", url, "--json", "--http.config.file",
            dir.Write("ok.yml", "basic_auth:\n  username: ops\n  password_file: password\ntls_config:\n  ca_file: server.crt\n")]);
        Assert.True(ok.ExitCode == 0, $"exit {ok.ExitCode}: {ok.StandardError}");
        Assert.Equal("[]", ok.StandardOutput.Trim());

        var untrusted = await FleetBinary.RunAsync(["ps", "--prometheus", url, "--http.config.file", dir.Write("no-ca.yml", "basic_auth: {username: ops, password_file: password}\n")]);
        output.WriteLine(untrusted.StandardError);
        Assert.Equal(7, untrusted.ExitCode);
        Assert.Contains($"cannot reach Prometheus at {url}/", untrusted.StandardError);
        Assert.Contains("SSL", untrusted.StandardError);
        Assert.DoesNotContain("   at ", untrusted.StandardError);

        var refused = await FleetBinary.RunAsync(["ps", "--prometheus", url, "--http.config.file",
            dir.Write("wrong.yml", "basic_auth: {username: ops, password_file: wrong}\ntls_config: {insecure_skip_verify: true}\n")]);
        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("refused the request: 401 Unauthorized", refused.StandardError);

        var skip = await FleetBinary.RunAsync(["ps", "--prometheus", url, "--http.config.file",
            dir.Write("skip.yml", "basic_auth: {username: ops, password: correct horse}\ntls_config: {insecure_skip_verify: true}\n")]);
        Assert.True(skip.ExitCode == 0, $"exit {skip.ExitCode}: {skip.StandardError}");
    }
}
