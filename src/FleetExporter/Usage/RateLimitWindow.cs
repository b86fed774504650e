namespace FleetExporter.Usage;

/// <summary>
/// One rate-limit window of the agent's account, as its runtime last reported it (Codex's <c>rate_limits</c>, from
/// the API's response headers): its name (<c>primary</c>, <c>secondary</c>), how much of it is used, its length and
/// when it resets. Shared by every agent of the account; stale once it reset, after which it is not exported.
/// </summary>
public sealed record RateLimitWindow(string Window, double UsedPercent, long? WindowMinutes, DateTimeOffset? ResetsAt)
{
    /// <summary>The windows a runtime may report, as exported in the <c>window</c> label.</summary>
    public static readonly IReadOnlyList<string> Names = ["primary", "secondary"];

    /// <summary>Still what it said at <paramref name="now"/>: it has not reset since (a window without a reset time is believed).</summary>
    public bool HoldsAt(DateTimeOffset now) => ResetsAt is not { } reset || reset > now;
}
