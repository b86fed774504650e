using System.Text;
using FleetExporter.Agents.State;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Text;

namespace FleetExporter.Cli.Ps;

/// <summary>
/// The human table: fits 80 columns (long values are cut with '…'; flags that do not fit wrap onto lines of their
/// own under the FLAGS column, as do long source errors), colour only when asked (a TTY). Every cell and error
/// comes from outside (roster, tmux, /proc) and is printed escaped: no control character reaches the terminal.
/// </summary>
public static class PsTable
{
    public const int Width = 80;

    private static readonly (string Title, int Width)[] Columns =
    [
        ("AGENT", 11), ("TENANT", 7), ("HOST", 7), ("UNIT", 9), ("PANE", 8), ("STATE", 7), ("IDLE", 6), ("HB", 6),
    ];

    public static string Render(FleetSnapshot snapshot, bool colour)
    {
        var sb = new StringBuilder();
        sb.Append(Row(Columns.Select(c => c.Title).ToList(), "FLAGS", colour: false, flagsOk: true)).Append('\n');
        foreach (var a in snapshot.Agents)
        {
            var cells = new List<string> { a.Spec.Name, a.Spec.Tenant, a.Host, UnitCell(a), PaneCell(a), StateCell(a), Short(a.Idle), HeartbeatCell(a.Heartbeat) };
            var shown = FlagsCell(a);
            var flagLines = shown.Count == 0 ? ["ok"] : Pack(shown, Width - FlagsColumn);
            sb.Append(Row(cells, flagLines[0], colour, shown.Count == 0)).Append('\n');
            foreach (var more in flagLines.Skip(1))
                sb.Append(new string(' ', FlagsColumn)).Append(Colour(more, colour, flagsOk: false)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The raised flags, then <c>?</c> when a flag could not be decided: "ok" only when every flag was decided and
    /// none is raised (README: unknown is never shown as healthy).
    /// </summary>
    internal static IReadOnlyList<string> FlagsCell(AgentStatus a) =>
        AgentFlags.Undecided(a).Count > 0 || a.RuntimeUnknown is not null ? [.. a.Flags, "?"] : a.Flags;

    /// <summary>
    /// What is unknown and why, for stderr: each failed source, then each source's note (it fell back to another
    /// way), then each agent whose runtime could not be told.
    /// </summary>
    public static IEnumerable<string> Warnings(FleetSnapshot snapshot) =>
        snapshot.Sources.Where(s => !s.Ok).Select(s => $"! {s.Source} unknown: {s.Error}")
            .Concat(snapshot.Sources.Where(s => s.Note is not null).Select(s => $"! {s.Source}: {s.Note}"))
            .Concat(snapshot.Agents.Where(a => a.RuntimeUnknown is not null).Select(a => $"! {a.Spec.Name} runtime unknown: {a.RuntimeUnknown}"))
            .SelectMany(w => Wrap(Printable.Escape(w), Width, "  "));

    /// <summary>Where FLAGS starts: every other column and the space after it.</summary>
    private static readonly int FlagsColumn = Columns.Sum(c => c.Width + 1);

    private static string Row(List<string> cells, string flags, bool colour, bool flagsOk)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Columns.Length; i++)
            sb.Append(Fit(Printable.Escape(cells[i]), Columns[i].Width)).Append(' ');
        sb.Append(Colour(flags, colour, flagsOk));
        return sb.ToString().TrimEnd();
    }

    private static string Colour(string flags, bool colour, bool flagsOk) =>
        colour ? (flagsOk ? "\e[32m" : "\e[1;31m") + flags + "\e[0m" : flags;

    /// <summary>Flags joined by ',' into lines of at most <paramref name="width"/>; a line break stands for the comma.</summary>
    internal static List<string> Pack(IReadOnlyList<string> flags, int width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var flag in flags)
        {
            if (line.Length > 0 && line.Length + 1 + flag.Length > width)
            {
                lines.Add(line);
                line = "";
            }
            line = line.Length == 0 ? flag : line + "," + flag;
        }
        lines.Add(line);
        return lines;
    }

    /// <summary>Breaks text at spaces into lines of at most <paramref name="width"/>, continuation lines indented.</summary>
    internal static List<string> Wrap(string text, int width, string indent)
    {
        var lines = new List<string>();
        var prefix = "";
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? prefix + word : line + " " + word;
            if (candidate.Length <= width || line.Length == 0) line = candidate;
            else
            {
                lines.Add(line);
                prefix = indent;
                line = prefix + word;
            }
            while (line.Length > width)
            {
                lines.Add(line[..width]);
                prefix = indent;
                line = prefix + line[width..];
            }
        }
        if (line.Length > 0) lines.Add(line);
        return lines;
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

    /// <summary>Unknown reads as "?", never as a state (README: unknown is never shown as healthy).</summary>
    private static string StateCell(AgentStatus a) => a.State.Name == AgentStateName.Unknown ? "?" : a.State.NameLabel;

    private static string HeartbeatCell(HeartbeatReading h) => h.State switch
    {
        HeartbeatState.Missing => "-",
        HeartbeatState.Invalid => "bad",
        HeartbeatState.Unknown => "?",
        _ => Short(h.Age),
    };

    private static string Short(TimeSpan? span) => span is { } s ? Durations.Format(s) : "-";
}
