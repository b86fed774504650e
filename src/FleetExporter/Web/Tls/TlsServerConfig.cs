using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web.Tls;

/// <summary>
/// <c>tls_server_config</c> with the exporter-toolkit's keys and defaults (TLS 1.2 to 1.3, no client certificate).
/// Read and checked at start-up: the certificate and its key, the client CAs, every name. What .NET cannot honour
/// is refused (<c>curve_preferences</c>) or said in <see cref="Warnings"/>, never silently dropped.
/// </summary>
public sealed record TlsServerConfig(X509Certificate2 Certificate, SslProtocols Protocols, IReadOnlyList<TlsCipherSuite>? CipherSuites, ClientAuth ClientAuth)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];

    private static readonly string[] Keys =
    [
        "cert_file", "key_file", "cert", "key", "client_ca_file", "client_ca", "client_auth_type", "client_allowed_sans",
        "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
    ];

    /// <summary>The files named, for the compatibility properties of <see cref="WebConfig"/>.</summary>
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }

    /// <summary>Every file this section read (certificate, key, client CAs): when one changes, the config is read again.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    internal static TlsServerConfig Parse(WebConfigYaml yaml, YamlNode node)
    {
        const string section = "tls_server_config";
        var values = yaml.Entries(node, section, Keys).ToDictionary(e => e.Name, e => (e.Key, e.Value), StringComparer.Ordinal);
        string Key(string name) => $"{section}.{name}";
        var files = new List<string>();
        Pem? ReadPem(string fileKey, string inlineKey)
        {
            if (values.TryGetValue(fileKey, out var f) && values.TryGetValue(inlineKey, out var i))
                throw yaml.Error(i.Key, Key(inlineKey), $"give {fileKey} or {inlineKey}, not both");
            if (values.TryGetValue(fileKey, out f))
            {
                var path = yaml.Resolve(yaml.Scalar(f.Value, Key(fileKey)));
                files.Add(path);
                return new(yaml.ReadText(path, f.Key, Key(fileKey)), f.Key, $"{Key(fileKey)}: {path}");
            }
            if (values.TryGetValue(inlineKey, out i)) return new(yaml.Scalar(i.Value, Key(inlineKey)), i.Key, Key(inlineKey));
            return null;
        }

        if (values.TryGetValue("curve_preferences", out var curves))
        {
            foreach (var (name, at) in yaml.List(curves.Value, Key("curve_preferences")))
                if (!TlsNames.Curves.Contains(name)) throw yaml.Error(at, Key("curve_preferences"), $"unknown curve \"{name}\" (known: {string.Join(", ", TlsNames.Curves)})");
            throw yaml.Error(curves.Key, Key("curve_preferences"),
                "not supported: .NET cannot choose the key-exchange groups of a TLS server (OpenSSL's defaults apply); remove the key");
        }

        var cert = ReadPem("cert_file", "cert") ?? throw yaml.Error(node, section, "missing one of cert or cert_file");
        var key = ReadPem("key_file", "key") ?? throw yaml.Error(node, section, "missing one of key or key_file");
        var certificate = LoadCertificate(yaml, cert, key);

        var warnings = new List<string>();
        string Version(string name, string fallback)
        {
            if (!values.TryGetValue(name, out var v)) return fallback;
            var text = yaml.Scalar(v.Value, Key(name));
            if (!TlsNames.Versions.ContainsKey(text)) throw yaml.Error(v.Value, Key(name), $"unknown TLS version \"{text}\" (known: {string.Join(", ", TlsNames.VersionOrder)})");
            if (text is "TLS10" or "TLS11")
                warnings.Add($"{yaml.File}:{v.Value.Start.Line}: {Key(name)} {text}: TLS 1.0 and 1.1 are offered to OpenSSL, whose default security level (OpenSSL 3) refuses them anyway");
            return text;
        }
        var min = Version("min_version", "TLS12");
        var max = Version("max_version", "TLS13");
        if (Array.IndexOf(TlsNames.VersionOrder, min) > Array.IndexOf(TlsNames.VersionOrder, max))
            throw yaml.Error(values["min_version"].Value, Key("min_version"), $"{min} is above max_version {max}: no version is left");

        IReadOnlyList<TlsCipherSuite>? suites = null;
        if (values.TryGetValue("cipher_suites", out var cs))
        {
            var listed = yaml.List(cs.Value, Key("cipher_suites"));
            suites = listed.Count == 0 ? null : [.. listed.Select(c => TlsNames.CipherSuites.TryGetValue(c.Value, out var s) ? s
                : throw yaml.Error(c.Node, Key("cipher_suites"), $"unknown cipher \"{c.Value}\" (known: Go's tls.CipherSuites(), e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"))];
        }
        // Accepted and checked, with no effect: Go ignores it too since 1.17 (it orders the suites itself).
        if (values.TryGetValue("prefer_server_cipher_suites", out var prefer)) yaml.Bool(prefer.Value, Key("prefer_server_cipher_suites"));

        return new TlsServerConfig(certificate, TlsNames.Range(min, max), suites, ParseClientAuth(yaml, values, ReadPem("client_ca_file", "client_ca"), Key))
        {
            Warnings = warnings,
            Files = files,
            CertFile = values.TryGetValue("cert_file", out var cf) ? yaml.Resolve(yaml.Scalar(cf.Value, Key("cert_file"))) : null,
            KeyFile = values.TryGetValue("key_file", out var kf) ? yaml.Resolve(yaml.Scalar(kf.Value, Key("key_file"))) : null,
        };
    }

    private static ClientAuth ParseClientAuth(WebConfigYaml yaml, Dictionary<string, (YamlNode Key, YamlNode Value)> values,
        Pem? caPem, Func<string, string> key)
    {
        var type = ClientAuthType.NoClientCert;
        if (values.TryGetValue("client_auth_type", out var t))
        {
            var text = yaml.Scalar(t.Value, key("client_auth_type"));
            // "RequireClientCert" is the toolkit's older name, kept for backwards compatibility as it keeps it.
            type = text == "RequireClientCert" ? ClientAuthType.RequireAnyClientCert
                : Enum.GetNames<ClientAuthType>().Contains(text) ? Enum.Parse<ClientAuthType>(text)
                : throw yaml.Error(t.Value, key("client_auth_type"), $"invalid ClientAuth \"{text}\" (known: {string.Join(", ", Enum.GetNames<ClientAuthType>())})");
        }
        X509Certificate2Collection? authorities = null;
        if (caPem is { } ca)
        {
            authorities = [];
            try { authorities.ImportFromPem(ca.Text); }
            catch (CryptographicException e) { throw yaml.Error(ca.At, ca.Name, $"not PEM certificates ({e.Message.TrimEnd('.')})"); }
            if (authorities.Count == 0) throw yaml.Error(ca.At, ca.Name, "holds no PEM certificate");
            if (type == ClientAuthType.NoClientCert)
                throw yaml.Error(ca.At, ca.Name, "client CA's have been configured without a Client Auth Policy (set client_auth_type, e.g. RequireAndVerifyClientCert)");
        }
        IReadOnlyList<string>? sans = null;
        if (values.TryGetValue("client_allowed_sans", out var s))
        {
            sans = [.. yaml.List(s.Value, key("client_allowed_sans")).Select(v => v.Value)];
            if (type == ClientAuthType.NoClientCert)
                throw yaml.Error(s.Key, key("client_allowed_sans"), "needs a client_auth_type that asks for a certificate (e.g. RequireAndVerifyClientCert)");
        }
        return new ClientAuth(type, authorities, sans);
    }

    /// <summary>PEM text from a file or inline, where it was named, and how to name it in an error.</summary>
    private sealed record Pem(string Text, YamlNode At, string Name);

    /// <summary>The PEM certificate (chain) and its private key, each error at the line that names it.</summary>
    private static X509Certificate2 LoadCertificate(WebConfigYaml yaml, Pem cert, Pem key)
    {
        try { X509Certificate2.CreateFromPem(cert.Text).Dispose(); }
        catch (CryptographicException e) { throw yaml.Error(cert.At, cert.Name, $"no PEM certificate ({e.Message.TrimEnd('.')})"); }
        try { return X509Certificate2.CreateFromPem(cert.Text, key.Text); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw yaml.Error(key.At, key.Name, $"not the private key of the certificate, in PEM ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The policy for OpenSSL: the suites listed, plus TLS 1.3's, which cipher_suites does not govern in Go.</summary>
    public CipherSuitesPolicy? CipherSuitesPolicy => CipherSuites is null ? null : new([.. CipherSuites.Union(TlsNames.Tls13Suites)]);
}
