using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;

namespace FleetExporter.Web;

/// <summary>Basic auth from the web config's bcrypt hashes; every route is protected when users are configured.</summary>
public static class BasicAuth
{
    public static void UseBasicAuth(this WebApplication app, WebConfig config)
    {
        if (config.BasicAuthUsers.Count == 0) return;
        // bcrypt is slow on purpose; remember what already verified so a 15 s scrape interval does not pay it each time.
        var verified = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        app.Use(async (ctx, next) =>
        {
            if (Authorized(ctx.Request.Headers.Authorization.ToString(), config, verified))
            {
                await next();
                return;
            }
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"fleet-exporter\"";
        });
    }

    internal static bool Authorized(string header, WebConfig config, ConcurrentDictionary<string, bool> verified)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || value.Scheme != "Basic" || value.Parameter is null) return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter)); }
        catch (FormatException) { return false; }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return false;
        var user = decoded[..colon];
        if (!config.BasicAuthUsers.TryGetValue(user, out var hash)) return false;
        var key = hash + "\0" + decoded;
        if (verified.ContainsKey(key)) return true;
        // Only successes are remembered, so wrong guesses cannot grow the cache.
        if (!BCrypt.Net.BCrypt.Verify(decoded[(colon + 1)..], hash)) return false;
        verified[key] = true;
        return true;
    }
}
