using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web;

/// <summary>
/// <c>http_server_config</c>: <c>http2</c> (default true; over TLS only, as in Go) and <c>headers</c>, limited as the
/// exporter-toolkit limits them to a few security headers, with the values it checks.
/// </summary>
public sealed record HttpServerConfig(bool Http2, IReadOnlyDictionary<string, string> Headers)
{
    public static readonly HttpServerConfig Default = new(true, new Dictionary<string, string>());

    /// <summary>The headers the toolkit lets a config set, and the values it allows (null: any).</summary>
    public static readonly IReadOnlyDictionary<string, string[]?> AllowedHeaders = new Dictionary<string, string[]?>(StringComparer.Ordinal)
    {
        ["Strict-Transport-Security"] = null,
        ["X-Content-Type-Options"] = ["nosniff"],
        ["X-Frame-Options"] = ["deny", "sameorigin"],
        ["X-XSS-Protection"] = null,
        ["Content-Security-Policy"] = null,
    };

    internal static HttpServerConfig Parse(WebConfigYaml yaml, YamlNode node)
    {
        const string section = "http_server_config";
        var http2 = true;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, _, value) in yaml.Entries(node, section, ["http2", "headers"]))
        {
            if (name == "http2") { http2 = yaml.Bool(value, $"{section}.http2"); continue; }
            foreach (var (header, at) in yaml.Map(value, $"{section}.headers").Children.Select(c => ((c.Key as YamlScalarNode)?.Value ?? "", c)))
            {
                var key = $"{section}.headers.{header}";
                if (!AllowedHeaders.TryGetValue(header, out var allowed))
                    throw yaml.Error(at.Key, key, $"HTTP header \"{header}\" can not be configured (allowed: {string.Join(", ", AllowedHeaders.Keys)})");
                // Blank means unset, as in the toolkit's documentation.
                if (at.Value is YamlScalarNode { Value: null or "" }) continue;
                var text = yaml.Scalar(at.Value, key);
                if (allowed is not null && !allowed.Contains(text))
                    throw yaml.Error(at.Value, key, $"invalid value \"{text}\"; expected one of: {string.Join(", ", allowed)}");
                headers[header] = text;
            }
        }
        return new HttpServerConfig(http2, headers);
    }
}

/// <summary>The configured headers on every response, refusals (401, 405, 429) included, as the toolkit sets them first.</summary>
public static class ResponseHeaders
{
    public static void UseConfiguredHeaders(this WebApplication app, HttpServerConfig config)
    {
        if (config.Headers.Count == 0) return;
        app.Use(async (ctx, next) =>
        {
            foreach (var (name, value) in config.Headers) ctx.Response.Headers[name] = value;
            await next();
        });
    }
}
