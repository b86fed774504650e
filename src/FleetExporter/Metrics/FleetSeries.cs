using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Journal;
using FleetExporter.Telemetry;
using FleetExporter.Usage;

namespace FleetExporter.Metrics;

public enum SeriesKind { Gauge, Counter }

/// <summary>One metric family: its name, HELP text, type and label names (docs/metrics.md is the contract).</summary>
public sealed record SeriesFamily(string Name, string Help, SeriesKind Kind, IReadOnlyList<string> LabelNames);

/// <summary>One sample of a family, label values in the family's label order.</summary>
public sealed record SeriesSample(SeriesFamily Family, IReadOnlyList<string> LabelValues, double Value);

/// <summary>
/// The one mapping from a <see cref="FleetSnapshot"/> to exported series, shared by the Prometheus registry and
/// the OTLP meter so both carry the same names, labels and values. A fact whose source failed yields no sample.
/// </summary>
public static class FleetSeries
{
    private static readonly string[] AgentLabels = ["tenant", "host", "agent"];

    /// <summary>The ActiveState values exported as a state set.</summary>
    public static readonly IReadOnlyList<string> UnitStates = ["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance"];

    private static SeriesFamily Agent(string name, string help, params string[] extra) => new(name, help, SeriesKind.Gauge, [.. AgentLabels, .. extra]);

    public static readonly SeriesFamily Info = Agent("fleet_agent_info", "Roster agent: always 1, with its runtime, systemd unit and tmux session as labels.", "runtime", "unit", "session");
    public static readonly SeriesFamily Active = Agent("fleet_agent_active", "1 if the agent's systemd unit is active (ActiveState active or reloading), else 0.");
    public static readonly SeriesFamily UnitState = Agent("fleet_agent_unit_state", "The unit's ActiveState as a state set: 1 for the current state, 0 for the others.", "state");
    public static readonly SeriesFamily Restarts = new("fleet_agent_unit_restarts_total", "Times systemd restarted the agent's unit (NRestarts).", SeriesKind.Counter, AgentLabels);
    public static readonly SeriesFamily UnitFileStateAge = Agent("fleet_agent_unit_file_state_age_seconds", "Age of the UnitFileState behind fleet_boot_enable_missing; it is re-read less often than the rest (systemd.unit_file_state_max_age).");
    public static readonly SeriesFamily Drift = Agent("fleet_agent_drift", "1 if the agent's pane is alive but the roster's runtime is not in the pane's process tree (fell back to a shell or another program).");
    public static readonly SeriesFamily BootEnableMissing = Agent("fleet_boot_enable_missing", "1 if the unit is active but will not start at the next boot (unit file state not enabled, or no user linger for user units).");
    public static readonly SeriesFamily SessionPresent = Agent("fleet_agent_session_present", "1 if the agent's tmux session exists.");
    public static readonly SeriesFamily PaneDead = Agent("fleet_agent_pane_dead", "1 if the first pane of the agent's tmux session is dead.");
    public static readonly SeriesFamily LastActivity = Agent("fleet_agent_last_activity_timestamp_seconds", "Last activity in the agent's tmux session, Unix seconds.");
    public static readonly SeriesFamily ResidentMemory = Agent("fleet_agent_process_resident_memory_bytes", "Resident memory of the runtime's process.");
    public static readonly SeriesFamily CpuSeconds = new("fleet_agent_process_cpu_seconds_total", "User and system CPU time of the runtime's process, seconds.", SeriesKind.Counter, AgentLabels);
    public static readonly SeriesFamily ProcessStart = Agent("fleet_agent_process_start_time_seconds", "Start time of the runtime's process, Unix seconds.");
    public static readonly SeriesFamily HeartbeatAge = Agent("fleet_heartbeat_age_seconds", "Seconds since the agent's last heartbeat (now minus the heartbeat's ts). Healthy while at most 3 x fleet_heartbeat_interval_seconds.");
    public static readonly SeriesFamily HeartbeatTimestamp = Agent("fleet_heartbeat_timestamp_seconds", "The ts of the agent's last heartbeat, Unix seconds.");
    public static readonly SeriesFamily HeartbeatInterval = Agent("fleet_heartbeat_interval_seconds", "Expected heartbeat interval (the file's interval_s, else the roster's); the heartbeat is stale past 3 x this.");
    public static readonly SeriesFamily HeartbeatMissing = Agent("fleet_heartbeat_missing", "1 if the agent has no heartbeat file (it never wrote one, or it was removed).");
    public static readonly SeriesFamily HeartbeatInvalid = Agent("fleet_heartbeat_invalid", "1 if the agent's heartbeat file exists but is not a valid v1 heartbeat.");
    public static readonly SeriesFamily State = Agent("fleet_agent_state", "What the agent is doing, as a state set: working (a turn runs), waiting (blocked on a human), idle (ready for a prompt), stopped (its runtime ended), unknown. From its hooks, else its screen.", "state");
    public static readonly SeriesFamily StateSeconds = Agent("fleet_agent_state_seconds", "Seconds the agent has been in its current state (absent when the time it entered it is unknown).");
    public static readonly SeriesFamily Sends = new("fleet_agent_sends_total", "Messages sent to the agent with `fleet-exporter send`, by verdict (acknowledged, accepted, draft, unverifiable, unknown, not_ready, failed, sent), counted from the send journal.", SeriesKind.Counter, [.. AgentLabels, "verdict"]);
    public static readonly SeriesFamily Tokens = new("fleet_agent_tokens_total", "Tokens the agent's model responses used, by model and type (input, output, cache_read, cache_write, reasoning; disjoint), counted by its hooks from its transcripts (docs/usage.md).", SeriesKind.Counter, [.. AgentLabels, "model", "type"]);
    public static readonly SeriesFamily ContextTokens = Agent("fleet_agent_context_tokens", "Tokens in the agent's context at its last model request (input, cache read and cache write of that request), with its model.", "model");
    public static readonly SeriesFamily Cost = new("fleet_agent_cost_usd_total", "What the agent's tokens of the model cost, in USD, at the roster's or the shipped prices (docs/usage.md); absent for a model without a price.", SeriesKind.Counter, [.. AgentLabels, "model"]);
    public static readonly SeriesFamily ModelPriced = Agent("fleet_agent_model_priced", "1 if the model the agent used has a price (its cost is counted), 0 if not (its tokens cost nothing here: price it in the roster).", "model");
    public static readonly SeriesFamily ApiErrors = new("fleet_agent_api_errors_total", "Turns of the agent that ended on an API error, as its hooks or its transcript reported them (docs/usage.md says which runtime reports which).", SeriesKind.Counter, AgentLabels);
    public static readonly SeriesFamily Turns = new("fleet_agent_turns_total", "Turns the agent completed, as its hooks reported them (Claude Code and Codex: Stop; Gemini CLI: AfterAgent; pi: agent_end).", SeriesKind.Counter, AgentLabels);
    public static readonly SeriesFamily ToolCalls = new("fleet_agent_tool_calls_total", "Tool calls of the agent that ended, by outcome (succeeded, failed, denied), as its hooks reported them (docs/usage.md says which runtime reports which).", SeriesKind.Counter, [.. AgentLabels, "outcome"]);
    public static readonly SeriesFamily Budget = Agent("fleet_agent_budget_usd_per_day", "What the agent may spend a day in USD at list prices (the roster's budget_usd_per_day, else budgets.usd_per_day); absent without a budget.");
    public static readonly SeriesFamily TenantBudget = new("fleet_tenant_budget_usd_per_day", "What the tenant may spend a day in USD at list prices, all its agents together (the roster's budgets.tenants).", SeriesKind.Gauge, ["tenant", "host"]);
    public static readonly SeriesFamily ContextWindow = Agent("fleet_agent_context_window_tokens", "The context window of the agent's model, as its runtime reports it (Codex) or the roster's context_windows give it, with its model.", "model");
    public static readonly SeriesFamily RateLimitUsed = Agent("fleet_agent_rate_limit_used_ratio", "How much of a rate-limit window of the agent's account is used (0 to 1, above 1 when over), as its runtime last reported it (Codex: primary, secondary); absent once the window has reset since.", "window");
    public static readonly SeriesFamily RateLimitWindowSeconds = Agent("fleet_agent_rate_limit_window_seconds", "The length of the rate-limit window, as the runtime reported it.", "window");
    public static readonly SeriesFamily RateLimitResets = Agent("fleet_agent_rate_limit_resets_timestamp_seconds", "When the rate-limit window resets, Unix seconds, as the runtime reported it.", "window");
    public static readonly SeriesFamily Flag = Agent("fleet_agent_flag", "1 if the flag is raised for the agent (DRIFT, BOOT-ENABLE, DOWN, NO-SESSION, PANE-DEAD, HB-STALE, HB-MISSING, HB-INVALID).", "flag");
    public static readonly SeriesFamily Linger = new("fleet_user_linger", "1 if the fleet's user has linger (user units start at boot without a login), 0 if not. User scope only.", SeriesKind.Gauge, ["host", "user"]);
    public static readonly SeriesFamily CollectorSuccess = new("fleet_collector_success", "1 if the source answered in the last collection, 0 if it failed (its facts are then left out).", SeriesKind.Gauge, ["host", "collector"]);
    public static readonly SeriesFamily CollectorDuration = new("fleet_collector_duration_seconds", "How long the source took in the last collection.", SeriesKind.Gauge, ["host", "collector"]);
    public static readonly SeriesFamily CollectorMethod = new("fleet_collector_method", "How the source read its facts in the last collection, as a state set (systemd: dbus, or systemctl when D-Bus could not be used); absent when the source failed.", SeriesKind.Gauge, ["host", "collector", "method"]);
    public static readonly SeriesFamily RosterAgents = new("fleet_roster_agents", "Number of agents in the roster.", SeriesKind.Gauge, ["host"]);
    public static readonly SeriesFamily BuildInfo = new("fleet_exporter_build_info", "Build of the exporter: always 1.", SeriesKind.Gauge, ["version", "revision"]);

    public static readonly IReadOnlyList<SeriesFamily> Families =
    [
        Info, Active, UnitState, Restarts, UnitFileStateAge, Drift, BootEnableMissing, SessionPresent, PaneDead, LastActivity,
        ResidentMemory, CpuSeconds, ProcessStart, HeartbeatAge, HeartbeatTimestamp, HeartbeatInterval, HeartbeatMissing,
        HeartbeatInvalid, State, StateSeconds, Sends, Tokens, Cost, ModelPriced, ApiErrors, Turns, ToolCalls, Budget, TenantBudget, ContextTokens, ContextWindow,
        RateLimitUsed, RateLimitWindowSeconds, RateLimitResets, Flag, Linger, CollectorSuccess, CollectorDuration, CollectorMethod, RosterAgents, BuildInfo,
    ];

    // By reference: a record's hash would hash its help text at every sample.
    private static readonly Dictionary<SeriesFamily, int> Index = IndexFamilies();

    private static Dictionary<SeriesFamily, int> IndexFamilies()
    {
        var index = new Dictionary<SeriesFamily, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < Families.Count; i++) index[Families[i]] = i;
        return index;
    }

    /// <summary>The family's place in <see cref="Families"/>, the order of the exposition.</summary>
    public static int IndexOf(SeriesFamily family) => Index[family];

    public static IEnumerable<SeriesSample> From(FleetSnapshot snapshot)
    {
        var usageRead = snapshot.Sources.Any(s => s.Source == Sources.Usage.UsageSource.Name && s.Ok);
        foreach (var a in snapshot.Agents)
        {
            foreach (var sample in ForAgent(a, snapshot.At, snapshot.Roster.Prices))
                yield return sample;
            // An agent whose hooks report (so they count) but who has counted nothing yet: its event counters at 0 from
            // the start, so that increase() sees its first API error, turn and tool call (a retry loop from its first
            // prompt). One without hooks has none: 0 would say they work.
            if (a.Usage is null && usageRead && a.Heartbeat.Hook is not null && TranscriptFormats.For(a.Spec.Runtime) is not null)
                foreach (var sample in NothingCountedYet(a)) yield return sample;
            // Every verdict from the start, at 0 until it happens, so that increase() sees the first one.
            if (snapshot.Sends is { CatchingUp: false } sends)
                foreach (var verdict in SendCounts.Verdicts)
                    yield return new(Sends, [a.Spec.Tenant, a.Host, a.Spec.Name, verdict], sends.Count(a.Spec.Name, verdict));
        }
        foreach (var (tenant, usd) in snapshot.Roster.TenantBudgetsUsdPerDay.OrderBy(t => t.Key, StringComparer.Ordinal))
            yield return new(TenantBudget, [tenant, snapshot.Roster.Host], usd);
        if (snapshot.Agents.FirstOrDefault() is { Linger: { } linger })
            yield return new(Linger, [snapshot.Roster.Host, Environment.UserName], linger ? 1 : 0);
        foreach (var s in snapshot.Sources)
        {
            yield return new(CollectorSuccess, [snapshot.Roster.Host, s.Source], s.Ok ? 1 : 0);
            yield return new(CollectorDuration, [snapshot.Roster.Host, s.Source], s.Duration.TotalSeconds);
            if (s.Method is { } method)
                foreach (var m in s.Methods) yield return new(CollectorMethod, [snapshot.Roster.Host, s.Source, m], m == method ? 1 : 0);
        }
        yield return new(RosterAgents, [snapshot.Roster.Host], snapshot.Agents.Count);
        yield return new(BuildInfo, [Telemetry.BuildInfo.Version, Telemetry.BuildInfo.Revision], 1);
    }

    private static IEnumerable<SeriesSample> NothingCountedYet(AgentStatus a)
    {
        string[] id = [a.Spec.Tenant, a.Host, a.Spec.Name];
        yield return new(ApiErrors, id, 0);
        yield return new(Turns, id, 0);
        foreach (var outcome in ToolOutcome.All) yield return new(ToolCalls, [.. id, outcome], 0);
    }

    private static IEnumerable<SeriesSample> ForAgent(AgentStatus a, DateTimeOffset now, PriceTable prices)
    {
        // One array for every family without extra labels: samples only read their labels.
        string[] id = [a.Spec.Tenant, a.Host, a.Spec.Name];
        string[] L() => id;
        string[] L1(string extra) => [.. id, extra];
        static double Unix(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;
        var known = AgentFlags.Decided(a);

        yield return new(Info, [.. id, a.Spec.Runtime, a.Spec.Unit, a.Spec.Session], 1);
        if (a.Unit is { } unit)
        {
            yield return new(Active, L(), AgentFlags.IsActive(unit) ? 1 : 0);
            foreach (var state in UnitStates) yield return new(UnitState, L1(state), unit.ActiveState == state ? 1 : 0);
            if (unit.Restarts is { } restarts) yield return new(Restarts, L(), restarts);
            if (unit.UnitFileStateReadAt is { } readAt) yield return new(UnitFileStateAge, L(), Math.Max(0, (now - readAt).TotalSeconds));
            yield return new(BootEnableMissing, L(), a.Flags.Contains(AgentFlags.BootEnable) ? 1 : 0);
        }
        if (a.SessionPresent is { } present)
        {
            yield return new(SessionPresent, L(), present ? 1 : 0);
            if (a.Pane is { } pane)
            {
                yield return new(PaneDead, L(), pane.Dead ? 1 : 0);
                if (pane.LastActivity is { } at) yield return new(LastActivity, L(), Unix(at));
            }
            if (known.Contains(AgentFlags.Drift)) yield return new(Drift, L(), a.Flags.Contains(AgentFlags.Drift) ? 1 : 0);
        }
        if (a.Processes?.Runtime is { } rt)
        {
            yield return new(ResidentMemory, L(), rt.RssBytes);
            yield return new(CpuSeconds, L(), rt.CpuSeconds);
            if (rt.StartTime is { } start) yield return new(ProcessStart, L(), Unix(start));
        }

        var hb = a.Heartbeat;
        if (hb.State != HeartbeatState.Unknown)
        {
            yield return new(HeartbeatInterval, L(), hb.Interval.TotalSeconds);
            yield return new(HeartbeatMissing, L(), hb.State == HeartbeatState.Missing ? 1 : 0);
            yield return new(HeartbeatInvalid, L(), hb.State == HeartbeatState.Invalid ? 1 : 0);
            if (hb is { State: HeartbeatState.Ok, Age: { } age, Timestamp: { } ts })
            {
                yield return new(HeartbeatAge, L(), age.TotalSeconds);
                yield return new(HeartbeatTimestamp, L(), Unix(ts));
            }
        }

        foreach (var state in AgentState.All) yield return new(State, L1(AgentState.Label(state)), a.State.Name == state ? 1 : 0);
        if (a.State is { Since: { } since, Name: not AgentStateName.Unknown }) yield return new(StateSeconds, L(), Math.Max(0, (now - since).TotalSeconds));
        if (a.Spec.BudgetUsdPerDay is { } budget) yield return new(Budget, L(), budget);
        if (a.Usage?.Totals is { } usage)
        {
            yield return new(ApiErrors, L(), usage.ApiErrors);
            yield return new(Turns, L(), usage.Turns);
            foreach (var outcome in ToolOutcome.All) yield return new(ToolCalls, L1(outcome), usage.ToolCalls.GetValueOrDefault(outcome));
            foreach (var ((model, type), n) in usage.Tokens) yield return new(Tokens, [.. id, model, type], n);
            foreach (var model in usage.Tokens.Keys.Select(k => k.Model).Distinct())
            {
                var cost = prices.Cost(usage, model);
                yield return new(ModelPriced, L1(model), cost is null ? 0 : 1);
                if (cost is { } usd) yield return new(Cost, L1(model), usd);
            }
            if (usage.Context is var (contextModel, contextTokens)) yield return new(ContextTokens, L1(contextModel), contextTokens);
            if (usage.ContextWindow is var (windowModel, windowTokens)) yield return new(ContextWindow, L1(windowModel), windowTokens);
            foreach (var limit in usage.RateLimits.Where(r => r.HoldsAt(now)))
            {
                yield return new(RateLimitUsed, L1(limit.Window), limit.UsedPercent / 100);
                if (limit.WindowMinutes is { } minutes) yield return new(RateLimitWindowSeconds, L1(limit.Window), minutes * 60.0);
                if (limit.ResetsAt is { } resets) yield return new(RateLimitResets, L1(limit.Window), resets.ToUnixTimeSeconds());
            }
        }

        foreach (var flag in AgentFlags.All.Where(known.Contains))
            yield return new(Flag, L1(flag), a.Flags.Contains(flag) ? 1 : 0);
    }
}
