using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FleetExporter.Web.Tls;

/// <summary>
/// A listener's TLS as the web config says: versions, cipher suites, client certificates, HTTP/2. The certificate,
/// the client CAs and SANs and the cipher suites are read from <paramref name="live"/> at each handshake, so a
/// rotated certificate is served without a restart; versions, client_auth_type and HTTP/2 are fixed at start-up.
/// </summary>
public static class KestrelTls
{
    public static void Apply(ListenOptions listen, TlsServerConfig tls, HttpServerConfig http, LiveWebConfig live)
    {
        TlsServerConfig Now() => live.Current.Tls ?? tls;
        listen.Protocols = http.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => Now().Certificate,
            SslProtocols = tls.Protocols,
            ClientCertificateMode = !tls.ClientAuth.Requests ? ClientCertificateMode.NoCertificate
                : tls.ClientAuth.Requires ? ClientCertificateMode.RequireCertificate
                : ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = tls.ClientAuth.Requests ? (certificate, chain, errors) => Now().ClientAuth.Validate(certificate, chain, errors) : null,
            OnAuthenticate = (_, ssl) =>
            {
                if (Now().CipherSuitesPolicy is { } policy) ssl.CipherSuitesPolicy = policy;
            },
        });
    }
}
