using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web;

/// <summary>
/// <c>--web.config.file</c> in the Prometheus exporter-toolkit format: TLS (<c>tls_server_config.cert_file</c>,
/// <c>key_file</c>, PEM) and basic auth (<c>basic_auth_users</c>: user → bcrypt hash). Keys it does not
/// implement are refused, not ignored, so a config never seems to protect what it does not.
/// </summary>
public sealed record WebConfig(string? CertFile, string? KeyFile, IReadOnlyDictionary<string, string> BasicAuthUsers)
{
    public static WebConfig Load(string file)
    {
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException($"{file}: cannot read: {e.Message}");
        }
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new WebConfigException($"{file}:{e.Start.Line}: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return new WebConfig(null, null, new Dictionary<string, string>());
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new WebConfigException($"{file}:1: expected a mapping");

        string? cert = null, key = null;
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in root.Children)
        {
            var name = (k as YamlScalarNode)?.Value;
            switch (name)
            {
                case "tls_server_config":
                    foreach (var (tk, tv) in Map(file, v, name).Children)
                    {
                        var tname = (tk as YamlScalarNode)?.Value;
                        var value = Scalar(file, tv, $"tls_server_config.{tname}");
                        if (tname == "cert_file") cert = Resolve(file, value);
                        else if (tname == "key_file") key = Resolve(file, value);
                        else throw new WebConfigException($"{file}:{tk.Start.Line}: tls_server_config.{tname}: not supported (supported: cert_file, key_file)");
                    }
                    if (cert is null || key is null)
                        throw new WebConfigException($"{file}:{v.Start.Line}: tls_server_config: needs both cert_file and key_file");
                    break;
                case "basic_auth_users":
                    foreach (var (uk, uv) in Map(file, v, name).Children)
                    {
                        var user = Scalar(file, uk, "basic_auth_users");
                        var hash = Scalar(file, uv, $"basic_auth_users.{user}");
                        if (!hash.StartsWith("$2", StringComparison.Ordinal))
                            throw new WebConfigException($"{file}:{uv.Start.Line}: basic_auth_users.{user}: expected a bcrypt hash ($2y$...), not a plain password");
                        users[user] = hash;
                    }
                    break;
                default:
                    throw new WebConfigException($"{file}:{k.Start.Line}: {name}: not supported (supported: tls_server_config, basic_auth_users)");
            }
        }
        return new WebConfig(cert, key, users);
    }

    private static YamlMappingNode Map(string file, YamlNode node, string key) =>
        node as YamlMappingNode ?? throw new WebConfigException($"{file}:{node.Start.Line}: {key}: expected a mapping");

    private static string Scalar(string file, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw new WebConfigException($"{file}:{node.Start.Line}: {key}: expected a value");

    /// <summary>Relative paths are relative to the config file, as in the exporter toolkit.</summary>
    private static string Resolve(string file, string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, path);
}

public sealed class WebConfigException(string message) : Exception(message);
