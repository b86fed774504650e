using System.Threading.RateLimiting;
using FleetExporter.Roster;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web;

/// <summary>
/// <c>rate_limit</c>: the toolkit's token bucket over every request (Go's rate.NewLimiter(rate.Every(interval),
/// burst)): a full bucket of <c>burst</c> tokens, one more per <c>interval</c>; a request finding it empty gets 429.
/// </summary>
public sealed record RateLimit(TimeSpan Interval, int Burst)
{
    internal static RateLimit? Parse(WebConfigYaml yaml, YamlNode node)
    {
        TimeSpan? interval = null;
        int? burst = null;
        var at = new Dictionary<string, YamlNode>();
        foreach (var (name, _, value) in yaml.Entries(node, "rate_limit", ["interval", "burst"]))
        {
            var text = yaml.Scalar(value, $"rate_limit.{name}");
            if (name == "interval")
                interval = text is "0" or "0s" ? TimeSpan.Zero
                    : Durations.TryParse(text, out var d) ? d : throw yaml.Error(value, "rate_limit.interval", $"\"{text}\": expected a duration such as 1s or 500ms (0 disables the limit)");
            else
                burst = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b) ? b
                    : throw yaml.Error(value, "rate_limit.burst", $"\"{text}\": expected a whole number of requests");
            at[name] = value;
        }
        if (interval is null || interval == TimeSpan.Zero) return null;
        // Go's limiter with a burst of 0 refuses every request: a config that does so is refused instead.
        if (burst is not > 0)
            throw yaml.Error(at.GetValueOrDefault("burst", node), "rate_limit.burst", "needs a whole number of requests above 0 when an interval is set (0 would refuse every request)");
        return new RateLimit(interval.Value, burst.Value);
    }
}

public static class RateLimiting
{
    public static void UseRateLimit(this WebApplication app, RateLimit? limit)
    {
        if (limit is null) return;
        var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = limit.Interval,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        app.Lifetime.ApplicationStopped.Register(bucket.Dispose);
        app.Use(async (ctx, next) =>
        {
            using var lease = bucket.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                ctx.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await ctx.Response.WriteAsync("Too Many Requests\n");
                return;
            }
            await next();
        });
    }
}
