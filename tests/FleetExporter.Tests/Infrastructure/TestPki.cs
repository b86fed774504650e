using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>Real X.509 certificates made in the test: certificate authorities, and server and client certificates they sign.</summary>
public static class TestPki
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A server certificate for 127.0.0.1.</summary>
    public static X509Certificate2 Server(X509Certificate2 authority) =>
        Issue(authority, "127.0.0.1", ServerAuth, sans => sans.AddIpAddress(System.Net.IPAddress.Loopback));

    /// <summary>A client certificate whose SANs are a DNS name, an e-mail address and a URI.</summary>
    public static X509Certificate2 Client(X509Certificate2 authority, string dns, string? email = null, string? uri = null) =>
        Issue(authority, dns, ClientAuth, sans =>
        {
            sans.AddDnsName(dns);
            if (email is not null) sans.AddEmailAddress(email);
            if (uri is not null) sans.AddUri(new Uri(uri));
        });

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, Oid usage, Action<SubjectAlternativeNameBuilder> names)
    {
        // Not disposed: the certificate returned holds this key.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var sans = new SubjectAlternativeNameBuilder();
        names(sans);
        request.CertificateExtensions.Add(sans.Build());
        using var certificate = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(12));
        return certificate.CopyWithPrivateKey(key);
    }

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string KeyPem(X509Certificate2 certificate) => certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
}
