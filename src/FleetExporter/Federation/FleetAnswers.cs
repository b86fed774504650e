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
        "|fleet_heartbeat_missing|fleet_heartbeat_invalid|fleet_heartbeat_timestamp_seconds|fleet_heartbeat_interval_seconds|fleet_user_linger|fleet_collector_success\"}";

    /// <summary>How far back <see cref="RecentQuery"/> looks for each host's raw samples: Prometheus' default lookback.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(5);

    /// <summary>One small series per exporter, with the times of its samples: when each host was last scraped, and how often.</summary>
    public const string RecentQuery = "fleet_roster_agents[5m]";

    public static string KnownAgentsQuery(TimeSpan lookback) => $"last_over_time(fleet_agent_info[{Seconds(lookback)}])";

    public static string KnownHostsQuery(TimeSpan lookback) => $"last_over_time(fleet_roster_agents[{Seconds(lookback)}])";

    /// <summary>Every target's scrape result; only the exporters' jobs are kept (<see cref="HostHealthClassifier"/>).</summary>
    public const string UpQuery = "up";

    private static string Seconds(TimeSpan t) => $"{Math.Max(1, (long)t.TotalSeconds)}s";

    /// <summary>Asks all five questions at one evaluation time, concurrently.</summary>
    public static async Task<FleetAnswers> LoadAsync(PrometheusApi api, DateTimeOffset at, TimeSpan lookback, CancellationToken ct)
    {
        var current = api.VectorAsync(CurrentQuery, at, ct);
        var recent = api.MatrixAsync(RecentQuery, at, ct);
        var agents = api.VectorAsync(KnownAgentsQuery(lookback), at, ct);
        var hosts = api.VectorAsync(KnownHostsQuery(lookback), at, ct);
        var up = api.VectorAsync(UpQuery, at, ct);
        await Task.WhenAll(current, recent, agents, hosts, up).ContinueWith(_ => { }, TaskScheduler.Default);
        return new FleetAnswers(at, lookback, await current, await recent, await agents, await hosts, await up);
    }
}
