using System.Net.Http.Headers;
using System.Text;

namespace FleetExporter.Web;

/// <summary>
/// Basic auth from the web config's bcrypt hashes; every route is protected when users are configured. With a web
/// config file, the users are those of its current version (<see cref="LiveWebConfig"/>): a changed list takes
/// effect at the next request, and what was verified under the old one is forgotten.
/// </summary>
public static class BasicAuth
{
    public static void UseBasicAuth(this WebApplication app, LiveWebConfig live, bool reloadable)
    {
        if (!reloadable && live.Current.BasicAuthUsers.Count == 0) return;
        Verifier? verifier = null;
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use(async (ctx, next) =>
        {
            var users = live.Current.BasicAuthUsers;
            if (users.Count == 0)
            {
                await next();
                return;
            }
            // One reference, swapped whole: a request never pairs one version's users with another's checker.
            var current = verifier;
            if (current is null || !ReferenceEquals(current.Users, users)) verifier = current = new Verifier(users, new CredentialChecker(users));
            var verdict = CredentialVerdict.Refused;
            if (TryParse(ctx.Request.Headers.Authorization.ToString(), out var user, out var password))
            {
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
                try { verdict = await current.Checker.CheckAsync(user, password, cancel.Token); }
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

    /// <summary>A version's users and the checker that remembers what verified under them.</summary>
    private sealed record Verifier(IReadOnlyDictionary<string, string> Users, CredentialChecker Checker);

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
