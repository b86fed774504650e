using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web;

/// <summary>
/// <c>--web.config.file</c> in the Prometheus exporter-toolkit format: TLS (<c>tls_server_config.cert_file</c>,
/// <c>key_file</c>, PEM) and basic auth (<c>basic_auth_users</c>: user → bcrypt hash). Keys it does not
/// implement are refused, not ignored, so a config never seems to protect what it does not. Everything that could
/// fail later is checked here, with the file and line: each hash's shape and cost, and that the certificate and key
/// are small regular files holding a certificate and its key.
/// </summary>
public sealed record WebConfig(string? CertFile, string? KeyFile, IReadOnlyDictionary<string, string> BasicAuthUsers)
{
    /// <summary>The certificate with its key, loaded and checked by <see cref="Load"/>; else read from the files at start.</summary>
    public X509Certificate2? Certificate { get; init; }

    public static WebConfig Load(string file)
    {
        string text;
        try { text = Encoding.UTF8.GetString(RegularFile.ReadAll(file)); }
        catch (IOException e) { throw new WebConfigException($"--web.config.file {file}: {e.Message}"); }
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new WebConfigException($"{file}:{e.Start.Line}: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return new WebConfig(null, null, new Dictionary<string, string>());
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new WebConfigException($"{file}:1: expected a mapping");

        (string Path, YamlNode Node)? cert = null, key = null;
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
                        if (tname == "cert_file") cert = (Resolve(file, value), tk);
                        else if (tname == "key_file") key = (Resolve(file, value), tk);
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
                        try { users[user] = BcryptHash.Parse(hash).Text; }
                        catch (FormatException e) { throw new WebConfigException($"{file}:{uv.Start.Line}: basic_auth_users.{user}: {e.Message}"); }
                    }
                    break;
                default:
                    throw new WebConfigException($"{file}:{k.Start.Line}: {name}: not supported (supported: tls_server_config, basic_auth_users)");
            }
        }
        if (cert is not { } c || key is not { } k2) return new WebConfig(null, null, users);
        return new WebConfig(c.Path, k2.Path, users) { Certificate = LoadCertificate(file, c, k2) };
    }

    /// <summary>The PEM certificate (chain) and its private key, each error at the line that names the file.</summary>
    private static X509Certificate2 LoadCertificate(string file, (string Path, YamlNode Node) cert, (string Path, YamlNode Node) key)
    {
        string Read((string Path, YamlNode Node) entry, string name)
        {
            try { return Encoding.UTF8.GetString(RegularFile.ReadAll(entry.Path)); }
            catch (IOException e) { throw new WebConfigException($"{file}:{entry.Node.Start.Line}: tls_server_config.{name}: {entry.Path}: {e.Message}"); }
        }
        var certPem = Read(cert, "cert_file");
        var keyPem = Read(key, "key_file");
        try { X509Certificate2.CreateFromPem(certPem).Dispose(); }
        catch (CryptographicException e)
        {
            throw new WebConfigException($"{file}:{cert.Node.Start.Line}: tls_server_config.cert_file: {cert.Path}: no PEM certificate ({e.Message.TrimEnd('.')})");
        }
        try { return X509Certificate2.CreateFromPem(certPem, keyPem); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new WebConfigException($"{file}:{key.Node.Start.Line}: tls_server_config.key_file: {key.Path}: not the private key of cert_file in PEM ({e.Message.TrimEnd('.')})");
        }
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
