using System.Globalization;
using System.Net;

namespace FleetExporter.Web;

/// <summary>Parses <c>--web.listen-address</c>: <c>:PORT</c> (every interface), <c>HOST:PORT</c>, <c>[IPv6]:PORT</c>.</summary>
public sealed record ListenAddress(IPAddress? Address, bool Localhost, int Port)
{
    public static ListenAddress Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
            throw new FormatException($"--web.listen-address {Text.Printable.Quote(text)}: expected HOST:PORT or :PORT (e.g. :{ServeOptions.DefaultPort} or 127.0.0.1:{ServeOptions.DefaultPort})");
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0) return new ListenAddress(null, false, port);
        if (host == "localhost") return new ListenAddress(null, true, port);
        if (IPAddress.TryParse(host, out var address)) return new ListenAddress(address, false, port);
        throw new FormatException($"--web.listen-address {Text.Printable.Quote(text)}: the host must be an IP address, localhost, or empty for every interface");
    }
}
