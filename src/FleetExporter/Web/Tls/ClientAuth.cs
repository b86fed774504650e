using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FleetExporter.Web.Tls;

/// <summary>The toolkit's <c>client_auth_type</c> values (Go's tls.ClientAuthType), with Go's defaults.</summary>
public enum ClientAuthType { NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert }

/// <summary>
/// How a client certificate is judged, as Go's TLS server does for each <see cref="ClientAuthType"/>: verified
/// types build a chain to <c>client_ca_file</c> (else to the system's roots) for client authentication;
/// <c>client_allowed_sans</c> then needs one of the leaf's DNS, e-mail, IP or URI names in the list.
/// </summary>
public sealed record ClientAuth(ClientAuthType Type, X509Certificate2Collection? Authorities, IReadOnlyList<string>? AllowedSans)
{
    public static readonly ClientAuth None = new(ClientAuthType.NoClientCert, null, null);

    /// <summary>Whether the server asks for a certificate at all.</summary>
    public bool Requests => Type != ClientAuthType.NoClientCert;

    /// <summary>
    /// Whether a connection without a certificate is refused. With client_allowed_sans it is too: the toolkit's SAN
    /// check (Go's VerifyPeerCertificate) has no certificate to pass.
    /// </summary>
    public bool Requires => Type is ClientAuthType.RequireAnyClientCert or ClientAuthType.RequireAndVerifyClientCert
        || (Requests && AllowedSans is not null);

    private bool Verifies => Type is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert;

    /// <summary>Judges the certificate a client sent (Kestrel calls this only when there is one).</summary>
    public bool Accepts(X509Certificate2 certificate)
    {
        if (Verifies && !ChainsToAuthority(certificate)) return false;
        return AllowedSans is null || SubjectAlternativeNames(certificate).Any(AllowedSans.Contains);
    }

    private bool ChainsToAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2")); // clientAuth, as Go's ExtKeyUsageClientAuth
        if (Authorities is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        }
        return chain.Build(certificate);
    }

    /// <summary>DNS names, e-mail addresses, IP addresses and URIs, as Go's certificate fields hold them.</summary>
    internal static IEnumerable<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        if (certificate.Extensions["2.5.29.17"] is not X509SubjectAlternativeNameExtension sans) yield break;
        foreach (var dns in sans.EnumerateDnsNames()) yield return dns;
        foreach (var ip in sans.EnumerateIPAddresses()) yield return ip.ToString();
        // Neither e-mail nor URI has an enumerator in .NET: read them from the extension's GeneralNames.
        var reader = new System.Formats.Asn1.AsnReader(sans.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass == System.Formats.Asn1.TagClass.ContextSpecific && tag.TagValue is 1 or 6)
                yield return reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, tag);
            else reader.ReadEncodedValue();
        }
    }

    /// <summary>Kestrel's callback: the certificate is judged here, not by the system's default policy.</summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors) => Accepts(certificate);
}
