using System.Text;
using FleetExporter.Files;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Federation;

/// <summary>
/// <c>--http.config.file</c>: how to reach the Prometheus API, in Prometheus' own <c>http_config</c> format, as
/// promtool and amtool read it: <c>basic_auth</c> (username, password or password_file), <c>authorization</c>
/// (type, credentials or credentials_file), the older <c>bearer_token</c>/<c>bearer_token_file</c>, and
/// <c>tls_config</c> (ca_file, cert_file, key_file, server_name, insecure_skip_verify). Keys it does not implement are
/// refused with the file and line, never ignored; every named file is read here, so nothing fails later.
/// </summary>
public sealed record PrometheusHttpConfig(string? AuthorizationHeader, PrometheusTls Tls)
{
    public static readonly PrometheusHttpConfig None = new(null, new PrometheusTls(null, null, null, null, false));

    public static PrometheusHttpConfig Load(string file)
    {
        string text;
        try { text = Encoding.UTF8.GetString(RegularFile.ReadAll(file)); }
        catch (IOException e) { throw new HttpConfigException($"--http.config.file {file}: {e.Message}"); }
        return Parse(text, file);
    }

    /// <summary>Parses the YAML text; <paramref name="file"/> names it in errors and anchors relative paths.</summary>
    public static PrometheusHttpConfig Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            if (Text.YamlDepth.FirstLineDeeperThan(text) is { } deep)
                throw new HttpConfigException($"{file}:{deep}: nested deeper than {Text.YamlDepth.Max}");
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) { throw new HttpConfigException($"{file}:{e.Start.Line}: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return None;
        var reader = new Reader(file);
        var root = reader.Map(stream.Documents[0].RootNode, "the file");

        string? header = null;
        YamlNode? authAt = null;
        void Auth(YamlNode at, string value, string key)
        {
            if (authAt is not null)
                throw new HttpConfigException($"{file}:{at.Start.Line}: {key}: only one of basic_auth, authorization and bearer_token(_file) may be set (another at line {authAt.Start.Line})");
            authAt = at;
            header = value;
        }

        var tls = None.Tls;
        foreach (var (k, v) in root.Children)
        {
            var key = reader.Scalar(k, "key");
            switch (key)
            {
                case "basic_auth":
                    Auth(k, BasicAuth(reader, reader.Map(v, key)), key);
                    break;
                case "authorization":
                    Auth(k, Authorization(reader, reader.Map(v, key)), key);
                    break;
                case "bearer_token":
                    Auth(k, "Bearer " + reader.Scalar(v, key), key);
                    break;
                case "bearer_token_file":
                    Auth(k, "Bearer " + reader.ReadSecret(v, key), key);
                    break;
                case "tls_config":
                    tls = PrometheusTls.Parse(reader, reader.Map(v, key));
                    break;
                case "follow_redirects" or "enable_http2":
                    reader.Bool(v, key);
                    break;
                default:
                    throw new HttpConfigException($"{file}:{k.Start.Line}: {key}: not supported (supported: basic_auth, authorization, bearer_token, bearer_token_file, tls_config, follow_redirects, enable_http2)");
            }
        }
        return new PrometheusHttpConfig(header, tls);
    }

    private static string BasicAuth(Reader reader, YamlMappingNode map)
    {
        string? user = null, password = null;
        foreach (var (k, v) in map.Children)
        {
            var key = reader.Scalar(k, "basic_auth key");
            switch (key)
            {
                case "username": user = reader.Scalar(v, "basic_auth.username"); break;
                case "username_file": user = reader.ReadSecret(v, "basic_auth.username_file"); break;
                case "password" when password is null: password = reader.Scalar(v, "basic_auth.password"); break;
                case "password_file" when password is null: password = reader.ReadSecret(v, "basic_auth.password_file"); break;
                case "password" or "password_file":
                    throw new HttpConfigException($"{reader.File}:{k.Start.Line}: basic_auth: password and password_file are mutually exclusive");
                default:
                    throw new HttpConfigException($"{reader.File}:{k.Start.Line}: basic_auth.{key}: not supported (supported: username, username_file, password, password_file)");
            }
        }
        if (user is null) throw new HttpConfigException($"{reader.File}:{map.Start.Line}: basic_auth: needs username");
        if (user.Contains(':')) throw new HttpConfigException($"{reader.File}:{map.Start.Line}: basic_auth.username: must not contain ':'");
        return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password ?? ""}"));
    }

    private static string Authorization(Reader reader, YamlMappingNode map)
    {
        string type = "Bearer";
        string? credentials = null;
        foreach (var (k, v) in map.Children)
        {
            var key = reader.Scalar(k, "authorization key");
            switch (key)
            {
                case "type": type = reader.Scalar(v, "authorization.type"); break;
                case "credentials" when credentials is null: credentials = reader.Scalar(v, "authorization.credentials"); break;
                case "credentials_file" when credentials is null: credentials = reader.ReadSecret(v, "authorization.credentials_file"); break;
                case "credentials" or "credentials_file":
                    throw new HttpConfigException($"{reader.File}:{k.Start.Line}: authorization: credentials and credentials_file are mutually exclusive");
                default:
                    throw new HttpConfigException($"{reader.File}:{k.Start.Line}: authorization.{key}: not supported (supported: type, credentials, credentials_file)");
            }
        }
        // Prometheus refuses "Basic" here: basic_auth is the way to send it.
        if (type.Equals("basic", StringComparison.OrdinalIgnoreCase))
            throw new HttpConfigException($"{reader.File}:{map.Start.Line}: authorization.type: Basic is not allowed here, use basic_auth");
        if (credentials is null) throw new HttpConfigException($"{reader.File}:{map.Start.Line}: authorization: needs credentials or credentials_file");
        return $"{type} {credentials}";
    }

    /// <summary>Reads scalars, booleans and files, each error at its file and line.</summary>
    internal sealed class Reader(string file)
    {
        public string File { get; } = file;

        public YamlMappingNode Map(YamlNode node, string key) =>
            node as YamlMappingNode ?? throw new HttpConfigException($"{File}:{node.Start.Line}: {key}: expected a mapping");

        public string Scalar(YamlNode node, string key) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw new HttpConfigException($"{File}:{node.Start.Line}: {key}: expected a value");

        public bool Bool(YamlNode node, string key) => Scalar(node, key) switch
        {
            "true" => true,
            "false" => false,
            var other => throw new HttpConfigException($"{File}:{node.Start.Line}: {key}: expected true or false, not \"{other}\""),
        };

        /// <summary>A file path, relative to the config file as in Prometheus, checked to be a readable regular file.</summary>
        public string Path(YamlNode node, string key)
        {
            var value = Scalar(node, key);
            var path = System.IO.Path.IsPathRooted(value) ? value : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(File))!, value);
            try { RegularFile.ReadAll(path); }
            catch (IOException e) { throw new HttpConfigException($"{File}:{node.Start.Line}: {key}: {path}: {e.Message}"); }
            return path;
        }

        /// <summary>A secret kept in a file: its content without the trailing newline.</summary>
        public string ReadSecret(YamlNode node, string key)
        {
            var path = Path(node, key);
            var secret = Encoding.UTF8.GetString(RegularFile.ReadAll(path)).TrimEnd('\r', '\n');
            return secret.Length > 0 ? secret : throw new HttpConfigException($"{File}:{node.Start.Line}: {key}: {path} is empty");
        }
    }
}

/// <summary>Why the http_config cannot be used; the message is cut and escaped, as it quotes the file's keys and paths.</summary>
public sealed class HttpConfigException(string message) : Exception(Text.Printable.Message(message));
