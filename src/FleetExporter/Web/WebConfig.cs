using System.Security.Cryptography.X509Certificates;
using System.Text;
using FleetExporter.Files;
using FleetExporter.Web.Tls;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web;

/// <summary>
/// <c>--web.config.file</c> in the Prometheus exporter-toolkit format: <c>tls_server_config</c> (TLS, versions, cipher
/// suites, client certificates), <c>http_server_config</c> (HTTP/2, headers), <c>basic_auth_users</c> (user → bcrypt
/// hash) and <c>rate_limit</c>. Keys the toolkit does not know are refused, not ignored, and so are the few it knows
/// that .NET cannot honour, so a config never seems to protect what it does not. Everything that could fail later is
/// checked here, with the file and line: each hash's shape and cost, the certificate, its key and the client CAs.
/// Read at start-up, and again when it or a file it names changes (<see cref="LiveWebConfig"/>).
/// </summary>
public sealed record WebConfig(string? CertFile, string? KeyFile, IReadOnlyDictionary<string, string> BasicAuthUsers)
{
    public static WebConfig None => new(null, null, new Dictionary<string, string>());

    /// <summary>The certificate with its key, loaded and checked by <see cref="Load"/>; else read from the files at start.</summary>
    public X509Certificate2? Certificate => Tls?.Certificate;

    public TlsServerConfig? Tls { get; init; }
    public HttpServerConfig Http { get; init; } = HttpServerConfig.Default;
    public RateLimit? RateLimit { get; init; }

    /// <summary>What is accepted but not honoured exactly, for the log at start-up.</summary>
    public IReadOnlyList<string> Warnings => Tls?.Warnings ?? [];

    private static readonly string[] Sections = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"];

    public static WebConfig Load(string file)
    {
        string text;
        try { text = Encoding.UTF8.GetString(RegularFile.ReadAll(file)); }
        catch (IOException e) { throw new WebConfigException($"--web.config.file {file}: {e.Message}"); }
        var stream = new YamlStream();
        try
        {
            if (Text.YamlDepth.FirstLineDeeperThan(text) is { } deep)
                throw new WebConfigException($"{file}:{deep}: nested deeper than {Text.YamlDepth.Max}");
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) { throw new WebConfigException($"{file}:{e.Start.Line}: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return None;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new WebConfigException($"{file}:1: expected a mapping");

        var yaml = new WebConfigYaml(file);
        var config = None;
        foreach (var (name, _, value) in yaml.Entries(root, "", Sections))
        {
            config = name switch
            {
                "tls_server_config" => WithTls(config, TlsServerConfig.Parse(yaml, value)),
                "http_server_config" => config with { Http = HttpServerConfig.Parse(yaml, value) },
                "rate_limit" => config with { RateLimit = RateLimit.Parse(yaml, value) },
                _ => config with { BasicAuthUsers = Users(yaml, value) },
            };
        }
        return config;
    }

    private static WebConfig WithTls(WebConfig config, TlsServerConfig tls) => config with { Tls = tls, CertFile = tls.CertFile, KeyFile = tls.KeyFile };

    private static Dictionary<string, string> Users(WebConfigYaml yaml, YamlNode node)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (uk, uv) in yaml.Map(node, "basic_auth_users").Children)
        {
            var user = yaml.Scalar(uk, "basic_auth_users");
            var hash = yaml.Scalar(uv, $"basic_auth_users.{user}");
            try { users[user] = BcryptHash.Parse(hash).Text; }
            catch (FormatException e) { throw yaml.Error(uv, $"basic_auth_users.{user}", e.Message); }
        }
        return users;
    }
}

/// <summary>Why the web config cannot serve; the message is cut and escaped, as it quotes the file's keys and paths.</summary>
public sealed class WebConfigException(string message) : Exception(Text.Printable.Message(message));
