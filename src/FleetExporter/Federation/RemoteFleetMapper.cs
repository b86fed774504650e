using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tmux;
using FleetExporter.Usage;

namespace FleetExporter.Federation;

/// <summary>
/// Turns the exported series back into the rows local <c>ps</c> shows (pure). A series the exporter left out (its
/// source failed) leaves its fact null, so the row shows <c>?</c> exactly as locally; what Prometheus does not carry
/// (pids, ttys, pane sizes, the process tree, the heartbeat's file and status) is null too. The flags are the
/// exporter's own (<c>fleet_agent_flag</c>). A host that is not current gets one row per agent it had within the
/// lookback (one row named <c>-</c> when none is known), every fact unknown and its condition as a flag.
/// </summary>
public static class RemoteFleetMapper
{
    /// <summary>The row name of a host whose agents are not known.</summary>
    public const string UnknownAgent = "-";

    /// <summary>The name, in a host's sources, of its exporter as Prometheus sees it.</summary>
    public const string ExporterSource = "exporter";

    public static RemoteFleetView Map(FleetAnswers answers, IReadOnlyList<HostHealth> hosts, string prometheusUrl)
    {
        var current = answers.Current.GroupBy(s => s.Label("host"), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var agents = new List<AgentStatus>();
        var sources = new Dictionary<string, IReadOnlyList<SourceHealth>>(StringComparer.Ordinal);
        var knownByHost = answers.KnownAgents.ToLookup(s => s.Label("host"), StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            if (host.Condition == HostCondition.Current)
            {
                var series = current.GetValueOrDefault(host.Host) ?? [];
                agents.AddRange(CurrentAgents(series, host, answers));
                sources[host.Host] = series.Where(s => s.Name == "fleet_collector_success" && s.Value == 0)
                    .Select(s => new SourceHealth(s.Label("collector"), false, $"failed on host {host.Host} (fleet_collector_success 0)", TimeSpan.Zero))
                    .DistinctBy(s => s.Source).ToList();
                continue;
            }
            var known = knownByHost[host.Host].DistinctBy(s => (s.Label("tenant"), s.Label("agent"))).ToList();
            agents.AddRange(known.Count == 0
                ? [Unknown(new AgentSpec(UnknownAgent, "", "", "", UnknownAgent, TimeSpan.Zero, 0), host)]
                : known.OrderBy(s => s.Label("agent"), StringComparer.Ordinal).Select(s => Unknown(Spec(s, null), host)));
            sources[host.Host] = [new SourceHealth(ExporterSource, false, $"{host.Flag} on host {host.Host}: {host.Reason}", TimeSpan.Zero)];
        }
        var all = sources.SelectMany(kv => kv.Value.Select(s => s with { Source = $"{s.Source}@{kv.Key}" })).ToList();
        var roster = new FleetRoster(prometheusUrl, "*", new HeartbeatSettings("", TimeSpan.Zero),
            new SystemdSettings(SystemdScope.User, "", "", TimeSpan.Zero), new TmuxSettings(null, null),
            new Dictionary<string, RuntimeSpec>(), agents.Select(a => a.Spec).ToList()) { Prices = PriceTable.RecordedOnly };
        return new RemoteFleetView(new FleetSnapshot(answers.At, roster, agents, all, TimeSpan.Zero), hosts, sources);
    }

    private static AgentStatus Unknown(AgentSpec spec, HostHealth host) =>
        new(spec, host.Host, null, null, null, null, null,
            new HeartbeatReading(HeartbeatState.Unknown, "", host.Reason, null, null, spec.HeartbeatInterval, null, null, null), null, [host.Flag!]);

    private static AgentSpec Spec(PromSample info, double? intervalSeconds) =>
        new(info.Label("agent"), info.Label("runtime"), info.Label("unit"), info.Label("session"), info.Label("tenant"),
            TimeSpan.FromSeconds(intervalSeconds ?? 0), 0);

    private static IEnumerable<AgentStatus> CurrentAgents(IReadOnlyList<PromSample> series, HostHealth host, FleetAnswers answers)
    {
        var now = answers.At;
        var today = UsageHook.LocalDate(now);
        var costToday = (answers.CostToday ?? []).Where(s => s.Label("host") == host.Host).ToLookup(s => (s.Label("tenant"), s.Label("agent")));
        var byAgent = series.Where(s => s.Labels.ContainsKey("agent"))
            .GroupBy(s => (Tenant: s.Label("tenant"), Agent: s.Label("agent")))
            .ToDictionary(g => g.Key, g => new AgentSeries(g.ToList()));
        bool? linger = series.FirstOrDefault(s => s.Name == "fleet_user_linger") is { } l ? l.Value == 1 : null;
        // A sample's age is its host's: all of an exporter's series come from the same scrape.
        var sampledAt = host.LastSample ?? now;
        foreach (var ((tenant, name), a) in byAgent.OrderBy(kv => kv.Key.Agent, StringComparer.Ordinal))
        {
            if (a.First("fleet_agent_info") is not { } info) continue;
            yield return Agent(Spec(info, a.Value("fleet_heartbeat_interval_seconds")), host.Host, a, linger, now, sampledAt) with
            {
                Usage = RemoteUsage.From(a.Samples, answers.CostToday is null ? null : costToday[(tenant, name)], today),
            };
        }
    }

    private static AgentStatus Agent(AgentSpec spec, string host, AgentSeries a, bool? linger, DateTimeOffset now, DateTimeOffset sampledAt)
    {
        UnitFacts? unit = a.LabelOfOne("fleet_agent_unit_state", "state") is { } active
            ? new UnitFacts(spec.Unit, "unknown", active, "unknown", null, null, null, a.Value("fleet_agent_unit_restarts_total") is { } r ? (long)r : null)
            : null;
        bool? present = a.Value("fleet_agent_session_present") is { } p ? p == 1 : null;
        var drift = a.Value("fleet_agent_drift");
        var lastActivity = Time(a.Value("fleet_agent_last_activity_timestamp_seconds"));
        var pane = present == true
            ? new TmuxPane(spec.Session, "", null, drift switch { 0 => spec.Runtime, 1 => "other", _ => "?" }, a.Value("fleet_agent_pane_dead") == 1, null, lastActivity, "", 0, 0)
            : null;
        // Known drift means the exporter saw the pane's processes; Prometheus carries only the verdict, not the tree.
        var processes = drift is null ? null : new PaneProcesses(null, []);
        var stateName = AgentState.Parse(a.LabelOfOne("fleet_agent_state", "state")) ?? AgentStateName.Unknown;
        var since = a.Value("fleet_agent_state_seconds") is { } seconds ? sampledAt - TimeSpan.FromSeconds(seconds) : (DateTimeOffset?)null;
        var flags = a.All("fleet_agent_flag").Where(s => s.Value == 1).Select(s => s.Label("flag")).Distinct()
            .OrderBy(FlagRank).ToList();
        return new AgentStatus(spec, host, unit, linger, present, pane, processes, Heartbeat(spec, a, now), lastActivity is { } at ? Max0(now - at) : null, flags)
        {
            State = stateName == AgentStateName.Unknown ? AgentState.Unknown : new AgentState(stateName, since, null, null),
        };
    }

    private static HeartbeatReading Heartbeat(AgentSpec spec, AgentSeries a, DateTimeOffset now)
    {
        var missing = a.Value("fleet_heartbeat_missing");
        var invalid = a.Value("fleet_heartbeat_invalid");
        var ts = Time(a.Value("fleet_heartbeat_timestamp_seconds"));
        var state = missing == 1 ? HeartbeatState.Missing
            : invalid == 1 ? HeartbeatState.Invalid
            : missing is not null && ts is not null ? HeartbeatState.Ok
            : HeartbeatState.Unknown;
        // Age now, from the beat's own time: fresher than the exporter's age at its last scrape.
        return new HeartbeatReading(state, "", null, ts, ts is { } t ? Max0(now - t) : null, spec.HeartbeatInterval, null, null, null);
    }

    /// <summary>Flags in the order local <c>ps</c> raises them; one this build does not know goes last.</summary>
    private static int FlagRank(string flag) => AgentFlags.All.ToList().IndexOf(flag) is var i and >= 0 ? i : int.MaxValue;

    private static DateTimeOffset? Time(double? unixSeconds) => unixSeconds is { } s ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000)) : null;

    private static TimeSpan Max0(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    /// <summary>One agent's series, by metric name.</summary>
    private sealed class AgentSeries(IReadOnlyList<PromSample> samples)
    {
        public IReadOnlyList<PromSample> Samples => samples;

        public IEnumerable<PromSample> All(string name) => samples.Where(s => s.Name == name);

        public PromSample? First(string name) => All(name).FirstOrDefault();

        public double? Value(string name) => First(name)?.Value;

        /// <summary>For a state set: the label of the member that is 1, or null when the set is absent or none is.</summary>
        public string? LabelOfOne(string name, string label) => All(name).FirstOrDefault(s => s.Value == 1)?.Label(label);
    }
}

/// <summary>The fleet across hosts: the rows (as local <c>ps</c> has them), each host's condition, and each host's failing sources.</summary>
public sealed record RemoteFleetView(FleetSnapshot Snapshot, IReadOnlyList<HostHealth> Hosts, IReadOnlyDictionary<string, IReadOnlyList<SourceHealth>> HostSources)
{
    /// <summary>The snapshot as one host's agents see it: only that host's sources, under their plain names.</summary>
    public FleetSnapshot ForHost(string host) => Snapshot with { Sources = HostSources.GetValueOrDefault(host) ?? [] };

    /// <summary>Some fact unknown: a host not current, a source failed, a flag undecided.</summary>
    public bool HasUnknown => Snapshot.HasUnknown || Hosts.Any(h => h.Condition != HostCondition.Current);
}
