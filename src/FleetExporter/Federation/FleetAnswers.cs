namespace FleetExporter.Federation;

/// <summary>
/// What Prometheus answered to one look at the fleet, all evaluated at <see cref="At"/>: the raw material of
/// <see cref="HostHealthClassifier"/> and <see cref="RemoteFleetMapper"/>, which are pure over it (the tests feed them
/// recorded answers).
/// </summary>
public sealed record FleetAnswers(
    DateTimeOffset At,
    TimeSpan Lookback,
    IReadOnlyList<PromSample> Current,
    IReadOnlyList<PromSeries> Recent,
    IReadOnlyList<PromSample> KnownAgents,
    IReadOnlyList<PromSample> KnownHosts,
    IReadOnlyList<PromSample> Up)
{
    /// <summary>
    /// The exported series a row is made of, as of now (Prometheus' own 5-minute lookback; the series of a target that
    /// went down are stale-marked and gone). Not the send counters, process gauges and durations: a row shows none.
    /// </summary>
    public const string CurrentQuery = "{__name__=~\"fleet_agent_info|fleet_agent_unit_state|fleet_agent_unit_restarts_total|fleet_agent_session_present" +
        "|fleet_agent_pane_dead|fleet_agent_drift|fleet_agent_last_activity_timestamp_seconds|fleet_agent_state|fleet_agent_state_seconds|fleet_agent_flag" +
        "|fleet_heartbeat_missing|fleet_heartbeat_invalid|fleet_heartbeat_timestamp_seconds|fleet_heartbeat_interval_seconds|fleet_user_linger|fleet_collector_success" +
        "|fleet_agent_tokens_total|fleet_agent_cost_usd_total|fleet_agent_context_tokens|fleet_agent_context_window_tokens|fleet_agent_rate_limit_used_ratio" +
        "|fleet_agent_rate_limit_window_seconds|fleet_agent_rate_limit_resets_timestamp_seconds\"}";

    /// <summary>
    /// What each agent's models cost since local midnight (of the host asking), as Prometheus' <c>increase</c> counts it;
    /// at least the last 5 minutes, so that just after midnight the range still holds two samples.
    /// </summary>
    public static string CostTodayQuery(TimeSpan sinceMidnight) =>
        $"sum by (tenant, host, agent, model) (increase(fleet_agent_cost_usd_total[{Seconds(sinceMidnight < RecentWindow ? RecentWindow : sinceMidnight)}]))";

    /// <summary>The answer to <see cref="CostTodayQuery"/>: one sample per agent and priced model; null when Prometheus could not answer it (today's cost is then unknown, the rest is not).</summary>
    public IReadOnlyList<PromSample>? CostToday { get; init; }

    private static async Task<IReadOnlyList<PromSample>?> OptionalAsync(Task<IReadOnlyList<PromSample>> answer)
    {
        try { return await answer; }
        catch (PrometheusException) { return null; }
    }

    /// <summary>How long it has been since midnight, in this host's time zone, at <paramref name="at"/>.</summary>
    public static TimeSpan SinceLocalMidnight(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.Local);
        // Midnight's own offset, which on a day the clocks change is not the one now.
        var midnight = TimeZoneInfo.Local.IsInvalidTime(local.Date) ? local.Date.AddHours(1) : local.Date;
        return at - new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(midnight, DateTimeKind.Unspecified), TimeZoneInfo.Local), TimeSpan.Zero);
    }

    /// <summary>How far back <see cref="RecentQuery"/> looks for each host's raw samples: Prometheus' default lookback.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(5);

    /// <summary>One small series per exporter, with the times of its samples: when each host was last scraped, and how often.</summary>
    public const string RecentQuery = "fleet_roster_agents[5m]";

    public static string KnownAgentsQuery(TimeSpan lookback) => $"last_over_time(fleet_agent_info[{Seconds(lookback)}])";

    public static string KnownHostsQuery(TimeSpan lookback) => $"last_over_time(fleet_roster_agents[{Seconds(lookback)}])";

    /// <summary>Every target's scrape result; only the exporters' jobs are kept (<see cref="HostHealthClassifier"/>).</summary>
    public const string UpQuery = "up";

    private static string Seconds(TimeSpan t) => $"{Math.Max(1, (long)t.TotalSeconds)}s";

    /// <summary>Asks all six questions at one evaluation time, concurrently.</summary>
    public static async Task<FleetAnswers> LoadAsync(PrometheusApi api, DateTimeOffset at, TimeSpan lookback, CancellationToken ct)
    {
        var current = api.VectorAsync(CurrentQuery, at, ct);
        var recent = api.MatrixAsync(RecentQuery, at, ct);
        var agents = api.VectorAsync(KnownAgentsQuery(lookback), at, ct);
        var hosts = api.VectorAsync(KnownHostsQuery(lookback), at, ct);
        var up = api.VectorAsync(UpQuery, at, ct);
        // The heaviest question (a day of every agent's cost series), and the only one a row can do without.
        var today = OptionalAsync(api.VectorAsync(CostTodayQuery(SinceLocalMidnight(at)), at, ct));
        await Task.WhenAll(current, recent, agents, hosts, up, today).ContinueWith(_ => { }, TaskScheduler.Default);
        return new FleetAnswers(at, lookback, await current, await recent, await agents, await hosts, await up) { CostToday = await today };
    }
}
