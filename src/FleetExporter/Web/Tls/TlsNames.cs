using System.Net.Security;
using System.Security.Authentication;

namespace FleetExporter.Web.Tls;

/// <summary>The exporter-toolkit's names for TLS versions, cipher suites and curves (Go's crypto/tls names).</summary>
public static class TlsNames
{
    /// <summary>TLS10 and TLS11 by value: .NET marks their names obsolete, and OpenSSL 3 refuses them at its default security level.</summary>
    public static readonly IReadOnlyDictionary<string, SslProtocols> Versions = new Dictionary<string, SslProtocols>(StringComparer.Ordinal)
    {
        ["TLS10"] = (SslProtocols)0x00C0,
        ["TLS11"] = (SslProtocols)0x0300,
        ["TLS12"] = SslProtocols.Tls12,
        ["TLS13"] = SslProtocols.Tls13,
    };

    public static readonly string[] VersionOrder = ["TLS10", "TLS11", "TLS12", "TLS13"];

    /// <summary>Every version from min to max, as one <see cref="SslProtocols"/>.</summary>
    public static SslProtocols Range(string min, string max) =>
        VersionOrder.SkipWhile(v => v != min).TakeWhile(v => v != max).Append(max).Aggregate(SslProtocols.None, (all, v) => all | Versions[v]);

    /// <summary>TLS 1.3's suites: Go does not let cipher_suites restrict them, so they stay in the policy.</summary>
    public static readonly IReadOnlyList<TlsCipherSuite> Tls13Suites =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    /// <summary>The names Go's tls.CipherSuites() lists (the toolkit accepts only these); same IANA names in .NET.</summary>
    public static readonly IReadOnlyDictionary<string, TlsCipherSuite> CipherSuites = Tls13Suites.Concat(
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
    ]).ToDictionary(s => s.ToString(), StringComparer.Ordinal);

    public static readonly IReadOnlyList<string> Curves = ["CurveP256", "CurveP384", "CurveP521", "X25519"];
}
