using System.Net.Http.Headers;
using System.Text;

namespace FleetExporter.Web;

/// <summary>Basic auth from the web config's bcrypt hashes; every route is protected when users are configured.</summary>
public static class BasicAuth
{
    public static void UseBasicAuth(this WebApplication app, WebConfig config)
    {
        if (config.BasicAuthUsers.Count == 0) return;
        var checker = new CredentialChecker(config.BasicAuthUsers);
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use(async (ctx, next) =>
        {
            var verdict = CredentialVerdict.Refused;
            if (TryParse(ctx.Request.Headers.Authorization.ToString(), out var user, out var password))
            {
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
                try { verdict = await checker.CheckAsync(user, password, cancel.Token); }
                catch (OperationCanceledException)
                {
                    // The client left, or the exporter is stopping: no request waits for bcrypt through a shutdown.
                    ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }
            }
            switch (verdict)
            {
                case CredentialVerdict.Accepted:
                    await next();
                    return;
                case CredentialVerdict.Busy:
                    ctx.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    ctx.Response.Headers.RetryAfter = "1";
                    return;
                default:
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"fleet-exporter\"";
                    return;
            }
        });
    }

    /// <summary>user:password from <c>Authorization: Basic ...</c> (the scheme in any case, as RFC 7617 has it).</summary>
    internal static bool TryParse(string header, out string user, out string password)
    {
        user = password = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null) return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter)); }
        catch (FormatException) { return false; }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return false;
        user = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }
}
