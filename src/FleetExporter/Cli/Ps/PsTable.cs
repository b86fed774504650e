using System.Text;
using FleetExporter.Fleet;
using FleetExporter.Text;

namespace FleetExporter.Cli.Ps;

/// <summary>
/// The human table, one <see cref="PsRow"/> a line in the order given. Within a width limit (a terminal, or
/// <c>COLUMNS</c>) it fits that width as <see cref="PsLayout"/> decides: agent names whole, flags comma-separated on
/// one line when they fit, else wrapped onto lines of their own under the FLAGS column; a name too long for the
/// width stands on a line of its own above its row. Without a limit (piped) every
/// cell is whole. Colour only when asked (a TTY). Every cell and error comes from outside (roster, tmux, /proc, a
/// Prometheus) and is printed escaped: no control character reaches the terminal.
/// </summary>
public static class PsTable
{
    /// <summary>Width of the warnings when there is no limit, and the width tests hold the table to.</summary>
    public const int Width = 80;

    public static string Render(IReadOnlyList<PsRow> rows, bool colour, int? width)
    {
        // The usage columns only where some agent has usage counted: a fleet without it keeps its table as it was.
        var usage = rows.Any(r => r.Cost != "-" || r.Context != "-");
        IReadOnlyList<string> titles = usage ? [.. PsLayout.Titles, .. PsLayout.UsageTitles] : PsLayout.Titles;
        var cells = rows.Select(r => (IReadOnlyList<string>)(usage
            ? new[] { r.Agent, r.Tenant, r.Host, r.Unit, r.Pane, r.State, r.Idle, r.Heartbeat, r.CostToday, r.Cost, r.Context }
            : new[] { r.Agent, r.Tenant, r.Host, r.Unit, r.Pane, r.State, r.Idle, r.Heartbeat }).Select(Printable.Escape).ToList()).ToList();
        var flags = rows.Select(r => (IReadOnlyList<string>)r.Flags.Select(Printable.Escape).ToList()).ToList();
        var (columns, flagsWidth) = PsLayout.Compute(titles, cells, flags, width);
        var flagsColumn = columns.Sum(w => w + 1);
        var sb = new StringBuilder();
        sb.Append(Row(titles, columns, "FLAGS", colour: false, flagsOk: true)).Append('\n');
        for (var i = 0; i < rows.Count; i++)
        {
            var shown = flags[i];
            var flagLines = shown.Count == 0 ? ["ok"] : Pack(shown, flagsWidth);
            var row = cells[i];
            // Names are never cut: one wider than its column stands on its own line, its row below it.
            if (row[0].Length > columns[0])
            {
                sb.Append(row[0]).Append('\n');
                row = ["", .. row.Skip(1)];
            }
            sb.Append(Row(row, columns, flagLines[0], colour, shown.Count == 0)).Append('\n');
            foreach (var more in flagLines.Skip(1))
                sb.Append(new string(' ', flagsColumn)).Append(Colour(more, colour, flagsOk: false)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// What is unknown and why, for stderr: each failed source, then each source's note (it fell back to another
    /// way), then each agent whose runtime could not be told.
    /// </summary>
    public static IEnumerable<string> Warnings(FleetSnapshot snapshot, int? width = Width) =>
        snapshot.Sources.Where(s => !s.Ok).Select(s => $"! {s.Source} unknown: {s.Error}")
            .Concat(snapshot.Sources.Where(s => s.Note is not null).Select(s => $"! {s.Source}: {s.Note}"))
            .Concat(snapshot.Agents.Where(a => a.RuntimeUnknown is not null).Select(a => $"! {a.Spec.Name} runtime unknown: {a.RuntimeUnknown}"))
            .SelectMany(w => Wrap(Printable.Escape(w), Math.Max(width ?? Width, 20), "  "));

    private static string Row(IReadOnlyList<string> cells, int[] widths, string flags, bool colour, bool flagsOk)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
            sb.Append(Fit(cells[i], widths[i])).Append(' ');
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
}
