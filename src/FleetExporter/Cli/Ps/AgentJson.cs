using System.Text.Json.Serialization;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;

namespace FleetExporter.Cli.Ps;

/// <summary>
/// The shape of one <c>ps --json</c> element. Null means unknown (its source failed, or for <c>process</c> the runtime
/// could not be told: see <c>unknown</c>, keyed by source or <c>runtime</c>) or absent.
/// </summary>
public sealed record AgentJson(
    string Name,
    string TenantId,
    string Host,
    string Runtime,
    UnitJson Unit,
    bool? Linger,
    SessionJson Session,
    ProcessJson? Process,
    HeartbeatJson Heartbeat,
    StateJson State,
    IReadOnlyList<string> Flags,
    IReadOnlyDictionary<string, string> Unknown,
    UsageJson? Usage)
{
    public static AgentJson From(AgentStatus a, FleetSnapshot snapshot)
    {
        var unknown = snapshot.Sources.Where(s => !s.Ok).ToDictionary(s => s.Source, s => s.Error ?? "failed");
        if (a.RuntimeUnknown is { } why) unknown["runtime"] = why;
        var u = a.Unit;
        var p = a.Pane;
        var r = a.Processes?.Runtime;
        var h = a.Heartbeat;
        return new AgentJson(
            a.Spec.Name, a.Spec.Tenant, a.Host, a.Spec.Runtime,
            new UnitJson(a.Spec.Unit, u?.LoadState, u?.ActiveState, u?.SubState, u?.UnitFileState, u?.UnitFileStateReadAt, u?.MainPid, u?.Restarts),
            a.Linger,
            new SessionJson(a.Spec.Session, a.SessionPresent, p?.PaneId, p?.PanePid, p?.CurrentCommand, p?.Dead, p?.DeadStatus,
                p?.LastActivity, a.Idle?.TotalSeconds, p?.Tty, p?.Width, p?.Height),
            a.Processes is null ? null : new ProcessJson(r?.Pid, r?.Command, r?.RssBytes, r?.CpuSeconds, r?.StartTime, a.Processes.TreeCommands),
            new HeartbeatJson(h.State.ToString().ToLowerInvariant(), h.File, h.Problem, h.Timestamp, h.Age?.TotalSeconds,
                h.Interval.TotalSeconds, h.Threshold.TotalSeconds, h.Seq, h.Pid, h.Status, HookJson.From(h.Hook)),
            new StateJson(a.State.NameLabel, a.State.Since, a.State.Since is { } since ? Math.Max(0, (snapshot.At - since).TotalSeconds) : null,
                a.State.Source is { } source ? AgentState.Label(source) : null, a.State.Reason, a.Screen is { } screen ? AgentState.Label(screen.State) : null),
            a.Flags,
            unknown,
            UsageJson.From(a.Usage, snapshot.Roster.Prices, FleetExporter.Usage.UsageHook.LocalDate(snapshot.At), snapshot.At));
    }
}

public sealed record UnitJson(string Name, string? LoadState, string? ActiveState, string? SubState, string? UnitFileState,
    DateTimeOffset? UnitFileStateReadAt, int? MainPid, long? Restarts);

public sealed record SessionJson(string Name, bool? Present, string? PaneId, int? PanePid, string? CurrentCommand, bool? PaneDead,
    int? PaneDeadStatus, DateTimeOffset? LastActivity, double? IdleSeconds, string? Tty, int? Width, int? Height);

public sealed record ProcessJson(int? RuntimePid, string? RuntimeCommand, long? RssBytes, double? CpuSeconds, DateTimeOffset? StartTime,
    IReadOnlyList<string> Tree);

public sealed record HeartbeatJson(string State, string File, string? Problem, DateTimeOffset? Timestamp, double? AgeSeconds,
    double IntervalSeconds, double ThresholdSeconds, long? Seq, int? Pid, string? Status, HookJson? Hook);

/// <summary>The agent's state: <c>name</c> (working, waiting, idle, stopped, unknown), since when, and from where (hook or pane).</summary>
public sealed record StateJson(string Name, DateTimeOffset? Since, double? Seconds, string? Source, string? Reason, string? Screen);

/// <summary>What the agent's hooks last wrote into its heartbeat (null: no hook fields).</summary>
public sealed record HookJson(string? State, DateTimeOffset? StateSince, string? Runtime, string? Event, string? EventDetail, string? SessionId,
    string? PromptId, string? PromptSha256, long? PromptBytes, DateTimeOffset? PromptAt)
{
    public static HookJson? From(Heartbeats.HookReport? r) => r is null ? null
        : new(r.State == AgentStateName.Unknown ? null : AgentState.Label(r.State), r.Since, r.Runtime, r.Event, r.EventDetail, r.SessionId,
            r.Prompt?.Id, r.Prompt?.Sha256, r.Prompt?.Bytes, r.Prompt?.At);
}

/// <summary>
/// What the agent spent since its usage count began (docs/usage.md): tokens by model and type, the cost of the priced
/// models (<c>cost_usd</c>) and of what was counted on <c>today</c>, the host's local date (<c>cost_today_usd</c>), the
/// models without a price, its context at the last request (<c>fill</c> when the window is known) and the account's
/// rate-limit windows as the runtime last reported them (Codex; a window that has reset since is left out).
/// Null: no usage file (its runtime's transcripts are not counted, or it has not answered yet).
/// </summary>
public sealed record UsageJson(long Responses, IReadOnlyList<TokensJson> Tokens, double? CostUsd, DateOnly Today, double? CostTodayUsd,
    IReadOnlyList<string> UnpricedModels, ContextJson? Context, IReadOnlyList<RateLimitJson> RateLimits, string? Problem)
{
    public static UsageJson? From(Sources.Usage.UsageReading? reading, Usage.PriceTable prices, DateOnly today, DateTimeOffset now)
    {
        if (reading is null) return null;
        if (reading.Totals is not { } t) return new UsageJson(0, [], null, today, null, [], null, [], reading.Problem);
        var models = t.Tokens.Keys.Select(k => k.Model).Distinct().Order(StringComparer.Ordinal).ToList();
        var costs = models.Select(m => (Model: m, Usd: prices.Cost(t, m))).ToList();
        // No day recorded: today's cost is unknown (null), not 0.
        var day = t.Today is not { } d ? null : d.Date == today ? d : new Usage.DayUsage(today);
        var window = t.ContextWindow is var (windowModel, w) && t.Context is var (contextModel, _) && windowModel == contextModel ? w : (long?)null;
        return new UsageJson(t.Responses,
            [.. t.Tokens.OrderBy(k => k.Key.Model, StringComparer.Ordinal).ThenBy(k => k.Key.Type, StringComparer.Ordinal).Select(k => new TokensJson(k.Key.Model, k.Key.Type, k.Value))],
            Priced(costs.Select(c => c.Usd)), today, day is null ? null : Priced(day.Models.Select(m => prices.Cost(day, m)).DefaultIfEmpty((double?)0)),
            [.. costs.Where(c => c.Usd is null).Select(c => c.Model)],
            t.Context is var (model, tokens) ? new ContextJson(model, tokens, window, window is > 0 ? Math.Round((double)tokens / window.Value, 4) : null) : null,
            [.. t.RateLimits.Where(r => r.HoldsAt(now)).Select(r => new RateLimitJson(r.Window, r.UsedPercent, r.WindowMinutes, r.ResetsAt))],
            reading.Problem);
    }

    /// <summary>The sum of what has a price; null when nothing has.</summary>
    private static double? Priced(IEnumerable<double?> costs)
    {
        var priced = costs.OfType<double>().ToList();
        return priced.Count == 0 ? null : Math.Round(priced.Sum(), 6);
    }
}

/// <summary>One rate-limit window of the agent's account: how much is used (percent), its length and when it resets.</summary>
public sealed record RateLimitJson(string Window, double UsedPercent, long? WindowMinutes, DateTimeOffset? ResetsAt);

public sealed record TokensJson(string Model, string Type, long Count);

/// <summary>The context at the last request: its tokens, the model's window when known, and the fill (tokens / window).</summary>
public sealed record ContextJson(string Model, long Tokens, long? Window, double? Fill);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<AgentJson>))]
public sealed partial class PsJsonContext : JsonSerializerContext;
