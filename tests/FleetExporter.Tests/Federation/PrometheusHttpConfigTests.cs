using System.Text;
using FleetExporter.Federation;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Federation;

/// <summary><c>--http.config.file</c>: Prometheus' http_config as promtool reads it; every refusal names the file and line.</summary>
public sealed class PrometheusHttpConfigTests
{
    private static PrometheusHttpConfig Parse(TempDirectory dir, string yaml) => PrometheusHttpConfig.Load(dir.Write("http.yml", yaml));

    private static string Refused(TempDirectory dir, string yaml) => Assert.Throws<HttpConfigException>(() => Parse(dir, yaml)).Message;

    [Fact]
    public void Basic_auth_bearer_tokens_and_authorization_become_the_authorization_header()
    {
        using var dir = new TempDirectory();
        dir.Write("password", "s3cret\n");
        dir.Write("token", "tok-from-file\n");

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:s3cret")),
            Parse(dir, "basic_auth:\n  username: ops\n  password_file: password\n").AuthorizationHeader);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:pw")),
            Parse(dir, "basic_auth: {username: ops, password: pw}\n").AuthorizationHeader);
        Assert.Equal("Bearer tok-from-file", Parse(dir, "bearer_token_file: token\n").AuthorizationHeader);
        Assert.Equal("Bearer abc", Parse(dir, "authorization:\n  credentials: abc\n").AuthorizationHeader);
        Assert.Equal("Token abc", Parse(dir, "authorization: {type: Token, credentials: abc}\n").AuthorizationHeader);
        Assert.Null(Parse(dir, "").AuthorizationHeader);
    }

    [Fact]
    public void Unknown_keys_conflicts_and_missing_files_are_refused_at_their_line()
    {
        using var dir = new TempDirectory();
        var path = dir.File("http.yml");

        Assert.Equal($"{path}:2: oauth2: not supported (supported: basic_auth, authorization, bearer_token, bearer_token_file, tls_config, follow_redirects, enable_http2)",
            Refused(dir, "bearer_token: x\noauth2: {}\n"));
        Assert.StartsWith($"{path}:3: authorization: only one of basic_auth, authorization and bearer_token(_file) may be set (another at line 1)",
            Refused(dir, "basic_auth:\n  username: a\nauthorization: {credentials: b}\n"));
        Assert.StartsWith($"{path}:2: basic_auth.password_file: {dir.File("nope")}: no such file", Refused(dir, "basic_auth:\n  password_file: nope\n  username: a\n"));
        Assert.StartsWith($"{path}:3: basic_auth: password and password_file are mutually exclusive",
            Refused(dir, "basic_auth:\n  password: a\n  password_file: b\n"));
        Assert.StartsWith($"{path}:2: tls_config.insecure_skip_verify: expected true or false", Refused(dir, "tls_config:\n  insecure_skip_verify: yes please\n"));
        Assert.StartsWith($"{path}:2: tls_config.min_version: not supported", Refused(dir, "tls_config:\n  min_version: TLS13\n"));
        Assert.StartsWith($"{path}:1: authorization.type: Basic is not allowed here", Refused(dir, "authorization: {type: Basic, credentials: x}\n"));
        Assert.StartsWith($"{path}:2: While parsing", Refused(dir, "basic_auth: [\n"));
    }

    [Fact]
    public void Yaml_nested_too_deep_is_refused_at_its_line_not_a_crash()
    {
        using var dir = new TempDirectory();

        var message = Refused(dir, "basic_auth: {username: a, password: b}\nx: " + new string('[', 40_000) + new string(']', 40_000) + "\n");

        Assert.Equal($"{dir.File("http.yml")}:2: nested deeper than 64", message);
    }

    [Fact]
    public void A_value_quoted_in_an_error_is_cut_and_its_control_characters_escaped()
    {
        using var dir = new TempDirectory();

        var message = Refused(dir, $"bearer_token_file: \"\\e]52;c;{new string('x', 100_000)}\"\n");

        Assert.Contains("bearer_token_file: ", message);
        Assert.Contains("\\x1b]52;c;xxx", message);
        Assert.DoesNotContain(message, char.IsControl);
        Assert.True(message.Length < 1100, $"{message.Length} characters");
    }

    [Fact]
    public void Tls_files_are_checked_when_the_file_is_read()
    {
        using var dir = new TempDirectory();
        dir.Write("not-a-cert.pem", "hello\n");
        var path = dir.File("http.yml");

        Assert.StartsWith($"{path}:1: tls_config.ca_file: {dir.File("not-a-cert.pem")}: no PEM certificate", Refused(dir, "tls_config: {ca_file: not-a-cert.pem}\n"));
        Assert.StartsWith($"{path}:1: tls_config: cert_file and key_file go together", Refused(dir, "tls_config: {cert_file: not-a-cert.pem}\n"));
        Assert.True(Parse(dir, "tls_config:\n  insecure_skip_verify: true\n").Tls.InsecureSkipVerify);
    }
}
