using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Glance;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Usage;

namespace FleetExporter.Cli.Ps;

/// <summary>
/// One line of the <c>ps</c> table as plain text cells, whatever it was read from (this host's join, or a
/// Prometheus); <see cref="Flags"/> are the flags as shown, with <c>?</c> for flags that could not be decided.
/// </summary>
public sealed record PsRow(
    string Agent, string Tenant, string Host, string Unit, string Pane, string State, string Idle, string Heartbeat, IReadOnlyList<string> Flags)
{
    /// <summary>What the agent spent since its usage count began, at list prices (<see cref="UsageCells"/>); "-" when nothing is counted.</summary>
    public string Cost { get; init; } = "-";

    /// <summary>What it spent today (the host's local date), as <see cref="UsageCells.Today"/> says it; "-" when nothing is counted.</summary>
    public string CostToday { get; init; } = "-";

    /// <summary>How full its context was at its last request, when the window is known; else "-".</summary>
    public string Context { get; init; } = "-";

    public static PsRow From(AgentStatus a, PriceTable prices, DateOnly today) => new(
        a.Spec.Name, a.Spec.Tenant, a.Host, UnitCell(a), PaneWitness.Of(a).Text, StateCell(a), Short(a.Idle), HeartbeatCell(a.Heartbeat), Attention.ShownFlags(a))
    {
        Cost = UsageCells.Cost(a.Usage, prices),
        CostToday = UsageCells.Today(a.Usage, prices, today),
        Context = UsageCells.Context(a.Usage),
    };

    /// <summary>The snapshot's agents as rows, those that need attention first (<see cref="Attention"/>).</summary>
    public static IReadOnlyList<PsRow> From(FleetSnapshot snapshot) =>
        Attention.Sort(snapshot.Agents.Select(a => From(a, snapshot.Roster.Prices, UsageHook.LocalDate(snapshot.At))), r => r.Flags, r => r.State);

    private static string UnitCell(AgentStatus a) => a.Unit is null ? "?" : a.Unit.LoadState == "not-found" ? "not-found" : a.Unit.ActiveState;

    /// <summary>Unknown reads as "?", never as a state (README: unknown is never shown as healthy).</summary>
    private static string StateCell(AgentStatus a) => a.State.Name == AgentStateName.Unknown ? "?" : a.State.NameLabel;

    private static string HeartbeatCell(HeartbeatReading h) => h.Word ?? Short(h.Age);

    private static string Short(TimeSpan? span) => span is { } s ? Durations.Format(s) : "-";
}
