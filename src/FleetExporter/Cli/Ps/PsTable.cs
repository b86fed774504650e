using System.Text;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Cli.Ps;

/// <summary>The human table: fits 80 columns (long values are cut with '…'), colour only when asked (a TTY).</summary>
public static class PsTable
{
    private static readonly (string Title, int Width)[] Columns =
    [
        ("AGENT", 14), ("TENANT", 8), ("HOST", 9), ("UNIT", 10), ("PANE", 9), ("IDLE", 6), ("HB", 6),
    ];

    public static string Render(FleetSnapshot snapshot, bool colour)
    {
        var sb = new StringBuilder();
        sb.Append(Row(Columns.Select(c => c.Title).ToList(), "FLAGS", colour: false, flagsOk: true)).Append('\n');
        foreach (var a in snapshot.Agents)
        {
            var cells = new List<string> { a.Spec.Name, a.Spec.Tenant, a.Host, UnitCell(a), PaneCell(a), Short(a.Idle), HeartbeatCell(a.Heartbeat) };
            sb.Append(Row(cells, a.Flags.Count == 0 ? "ok" : string.Join(',', a.Flags), colour, a.Flags.Count == 0)).Append('\n');
        }
        foreach (var s in snapshot.Sources.Where(s => !s.Ok))
            sb.Append($"! {s.Source} unknown: {s.Error}\n");
        return sb.ToString();
    }

    private static string Row(List<string> cells, string flags, bool colour, bool flagsOk)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Columns.Length; i++)
            sb.Append(Fit(cells[i], Columns[i].Width)).Append(' ');
        if (colour) sb.Append(flagsOk ? "\e[32m" : "\e[1;31m").Append(flags).Append("\e[0m");
        else sb.Append(flags);
        return sb.ToString().TrimEnd();
    }

    internal static string Fit(string text, int width) =>
        text.Length <= width ? text.PadRight(width) : text[..(width - 1)] + "…";

    private static string UnitCell(AgentStatus a) => a.Unit is null ? "?" : a.Unit.LoadState == "not-found" ? "not-found" : a.Unit.ActiveState;

    private static string PaneCell(AgentStatus a) => a.SessionPresent switch
    {
        null => "?",
        false => "-",
        true when a.Pane!.Dead => $"dead({a.Pane.DeadStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})",
        _ => a.Processes?.Runtime?.Command ?? a.Pane!.CurrentCommand,
    };

    private static string HeartbeatCell(HeartbeatReading h) => h.State switch
    {
        HeartbeatState.Missing => "-",
        HeartbeatState.Invalid => "bad",
        _ => Short(h.Age),
    };

    private static string Short(TimeSpan? span) => span is { } s ? Durations.Format(s) : "-";
}
