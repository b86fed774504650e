using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Federation;

/// <summary>
/// <c>tls_config</c> of a Prometheus <c>http_config</c>: the CA that signs the server's certificate (else the system's),
/// a client certificate and key (PEM), the name to expect, and <c>insecure_skip_verify</c>.
/// </summary>
public sealed record PrometheusTls(string? CaFile, string? CertFile, string? KeyFile, string? ServerName, bool InsecureSkipVerify)
{
    internal static PrometheusTls Parse(PrometheusHttpConfig.Reader reader, YamlMappingNode map)
    {
        string? ca = null, cert = null, key = null, name = null;
        var insecure = false;
        YamlNode? certAt = null, keyAt = null;
        foreach (var (k, v) in map.Children)
        {
            var field = reader.Scalar(k, "tls_config key");
            switch (field)
            {
                case "ca_file": ca = reader.Path(v, "tls_config.ca_file"); break;
                case "cert_file": cert = reader.Path(v, "tls_config.cert_file"); certAt = v; break;
                case "key_file": key = reader.Path(v, "tls_config.key_file"); keyAt = v; break;
                case "server_name": name = reader.Scalar(v, "tls_config.server_name"); break;
                case "insecure_skip_verify": insecure = reader.Bool(v, "tls_config.insecure_skip_verify"); break;
                default:
                    throw new HttpConfigException($"{reader.File}:{k.Start.Line}: tls_config.{field}: not supported (supported: ca_file, cert_file, key_file, server_name, insecure_skip_verify)");
            }
        }
        if ((cert is null) != (key is null))
            throw new HttpConfigException($"{reader.File}:{map.Start.Line}: tls_config: cert_file and key_file go together");
        var tls = new PrometheusTls(ca, cert, key, name, insecure);
        try { if (tls.CaCertificates() is { } roots) foreach (var c in roots) c.Dispose(); }
        catch (CryptographicException e) { throw new HttpConfigException($"{reader.File}:{map.Start.Line}: tls_config.ca_file: {ca}: no PEM certificate ({e.Message.TrimEnd('.')})"); }
        try { tls.ClientCertificate()?.Dispose(); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new HttpConfigException($"{reader.File}:{(keyAt ?? certAt)!.Start.Line}: tls_config: {cert} and {key} are not a PEM certificate and its key ({e.Message.TrimEnd('.')})");
        }
        return tls;
    }

    /// <summary>The CA bundle, or null for the system's trust store.</summary>
    public X509Certificate2Collection? CaCertificates()
    {
        if (CaFile is null) return null;
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(CaFile);
        if (collection.Count == 0) throw new CryptographicException("the file holds no certificate");
        return collection;
    }

    public X509Certificate2? ClientCertificate() => CertFile is null ? null : X509Certificate2.CreateFromPemFile(CertFile, KeyFile);

    /// <summary>The TLS options of the API client: the CA bundle as the only roots when given, the client certificate.</summary>
    public SslClientAuthenticationOptions ClientOptions()
    {
        var options = new SslClientAuthenticationOptions();
        if (ServerName is not null) options.TargetHost = ServerName;
        if (ClientCertificate() is { } client) options.ClientCertificates = [client];
        if (InsecureSkipVerify)
        {
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            return options;
        }
        if (CaCertificates() is { } roots)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }
        return options;
    }
}
