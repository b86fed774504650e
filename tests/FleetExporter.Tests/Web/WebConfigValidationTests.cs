using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>
/// Web configs that cannot work are refused by the real <c>serve</c> at start-up: exit 2, the file and the line of the
/// user or key, one plain line; never a stack trace, never a hang, never a server that fails every request.
/// </summary>
public sealed class WebConfigValidationTests(WebConfigFiles files) : IClassFixture<WebConfigFiles>
{
    private readonly TempDirectory _dir = files.Dir;
    private const string Tail = "abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234"; // 53 characters: salt and hash

    private async Task<FleetExporter.Subprocess.ProcessOutput> ServeAsync(string webConfigFile) =>
        await FleetBinary.RunAsync(["serve", "--roster", _dir.File("roster.yaml"), "--web.listen-address", "127.0.0.1:0", "--web.config.file", webConfigFile],
            timeout: TimeSpan.FromSeconds(20));

    [Theory(Timeout = 60_000)]
    [InlineData("basic_auth_users:\n  prom: $2y$10$short\n", 2, "prom: not a well-formed bcrypt hash")]
    [InlineData("basic_auth_users:\n  ok: $2y$10$" + Tail + "\n  prom: $2y$99$" + Tail + "\n", 3, "prom: bcrypt cost 99")]
    [InlineData("basic_auth_users:\n  prom: $2y$31$" + Tail + "\n", 2, "prom: bcrypt cost 31")]
    [InlineData("basic_auth_users:\n  prom: $2y$03$" + Tail + "\n", 2, "prom: bcrypt cost 3")]
    [InlineData("basic_auth_users:\n  prom: $2q$10$" + Tail + "\n", 2, "prom: not a well-formed bcrypt hash")]
    [InlineData("basic_auth_users:\n  prom: $2y$10$" + Tail + "!\n", 2, "prom: not a well-formed bcrypt hash")]
    [InlineData("tls_server_config:\n  cert_file: a-directory\n  key_file: good.key\n", 2, "cert_file: ")]
    [InlineData("tls_server_config:\n  cert_file: fifo\n  key_file: good.key\n", 2, "cert_file: ")]
    [InlineData("tls_server_config:\n  cert_file: good.crt\n  key_file: fifo\n", 3, "key_file: ")]
    [InlineData("tls_server_config:\n  cert_file: /dev/zero\n  key_file: good.key\n", 2, "cert_file: ")]
    [InlineData("tls_server_config:\n  cert_file: huge.crt\n  key_file: good.key\n", 2, "cert_file: ")]
    [InlineData("tls_server_config:\n  cert_file: missing.crt\n  key_file: good.key\n", 2, "cert_file: ")]
    [InlineData("tls_server_config:\n  cert_file: not-pem.crt\n  key_file: good.key\n", 2, "cert_file: ")]
    [InlineData("tls_server_config:\n  cert_file: good.crt\n  key_file: other.key\n", 3, "key_file: ")]
    public async Task A_web_config_that_cannot_work_is_refused_at_start_up_with_its_line(string yaml, int line, string message)
    {
        var config = _dir.Write("web.yml", yaml);

        var r = await ServeAsync(config);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains($"{config}:{line}: ", r.StandardError);
        Assert.Contains(message, r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError + r.StandardOutput);
        Assert.Single(r.StandardError.Trim().Split('\n'));
    }

    /// <summary>Web configs an attack would write → what the refusal says; the file's own values never reach the terminal raw or whole.</summary>
    private static readonly Dictionary<string, (string Yaml, string Says)> Hostile = new()
    {
        ["nested 40000 deep"] = ("x: " + new string('[', 40_000) + new string(']', 40_000) + "\n", "web.yml:1: nested deeper than 64"),
        ["a mapping nested 40000 deep"] = ("basic_auth_users: " + string.Concat(Enumerable.Repeat("{a: ", 40_000)) + "1" + new string('}', 40_000) + "\n", "web.yml:1: nested deeper than 64"),
        ["an OSC 52 in a user name"] = ("basic_auth_users:\n  \"a\\e]52;c;aGk=\\a\": x\n", "web.yml:2: basic_auth_users.a\\x1b]52;c;aGk=\\x07: "),
        ["an ESC in a cert_file"] = ("tls_server_config:\n  cert_file: \"x\\e[2J\"\n  key_file: good.key\n", "x\\x1b[2J: no such file"),
        ["a 100 KB cert_file"] = ("tls_server_config:\n  cert_file: " + new string('c', 100_000) + "\n  key_file: good.key\n", "web.yml:2: tls_server_config.cert_file: "),
    };

    public static TheoryData<string> HostileNames => [.. Hostile.Keys];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(HostileNames))]
    public async Task A_hostile_web_config_is_refused_in_one_short_line_with_no_control_character(string name)
    {
        var (yaml, says) = Hostile[name];
        var config = _dir.Write("web.yml", yaml);

        var r = await ServeAsync(config);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {Head(r.StandardError)}");
        Assert.Contains(says, r.StandardError);
        Assert.True(r.StandardError.Length < 1100, $"{r.StandardError.Length} characters: {Head(r.StandardError)}");
        Assert.DoesNotContain(r.StandardError, c => char.IsControl(c) && c != '\n');
        Assert.Single(r.StandardError.Trim().Split('\n'));
    }

    private static string Head(string s) => s.Length > 500 ? s[..500] + "…" : s;

    [Theory(Timeout = 60_000)]
    [InlineData("fifo")]
    [InlineData("a-directory")]
    [InlineData("/dev/zero")]
    public async Task A_web_config_file_that_is_no_regular_file_is_refused(string name)
    {
        var r = await ServeAsync(name.StartsWith('/') ? name : _dir.File(name));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains("web.config.file", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError + r.StandardOutput);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_good_certificate_and_key_serve_https()
    {
        var config = _dir.Write("web.yml", "tls_server_config:\n  cert_file: good.crt\n  key_file: good.key\n");
        await using var serve = await ServeProcess.StartAsync("serve", ["--roster", _dir.File("roster.yaml"), "--web.config.file", config], https: true);

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler);
        Assert.Equal("OK\n", await http.GetStringAsync($"https://127.0.0.1:{serve.Port}/-/healthy"));
    }

}

/// <summary>
/// The files the web configs of <see cref="WebConfigValidationTests"/> name, made once for the class (two RSA keys
/// each time cost seconds per test); its tests run one after another, each writing its own web.yml beside them.
/// </summary>
public sealed class WebConfigFiles : IDisposable
{
    public TempDirectory Dir { get; } = new();

    public WebConfigFiles()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Dir.Write("good.crt", cert.ExportCertificatePem());
        Dir.Write("good.key", key.ExportPkcs8PrivateKeyPem());
        using var other = RSA.Create(2048);
        Dir.Write("other.key", other.ExportPkcs8PrivateKeyPem());
        Dir.Write("not-pem.crt", "hello\n");
        Dir.Write("huge.crt", new string('A', 2 << 20));
        Directory.CreateDirectory(Dir.File("a-directory"));
        Mkfifo(Dir.File("fifo"));
        Dir.Write("roster.yaml", "host: test-host\nruntimes:\n  sleeper: { commands: [sleep] }\nagents:\n  - { name: a1, runtime: sleeper }\n");
    }

    private static void Mkfifo(string path) => Process.Start("mkfifo", [path])!.WaitForExit();

    public void Dispose() => Dir.Dispose();
}
