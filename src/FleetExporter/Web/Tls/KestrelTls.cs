using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FleetExporter.Web.Tls;

/// <summary>A listener's TLS as the web config says: versions, cipher suites, client certificates, HTTP/2.</summary>
public static class KestrelTls
{
    public static void Apply(ListenOptions listen, TlsServerConfig tls, HttpServerConfig http)
    {
        var policy = tls.CipherSuitesPolicy;
        listen.Protocols = http.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls.Certificate,
            SslProtocols = tls.Protocols,
            ClientCertificateMode = !tls.ClientAuth.Requests ? ClientCertificateMode.NoCertificate
                : tls.ClientAuth.Requires ? ClientCertificateMode.RequireCertificate
                : ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = tls.ClientAuth.Requests ? tls.ClientAuth.Validate : null,
            OnAuthenticate = (_, ssl) =>
            {
                if (policy is not null) ssl.CipherSuitesPolicy = policy;
            },
        });
    }
}
