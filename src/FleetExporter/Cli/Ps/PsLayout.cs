namespace FleetExporter.Cli.Ps;

/// <summary>
/// How wide each column of the <c>ps</c> table is. Without a width limit (output piped, no <c>COLUMNS</c>) every
/// column is as wide as its widest cell, so nothing is cut. Within a limit, FLAGS gets room for its longest line
/// first; to make that room, the cuttable columns (tenant, host, unit, pane) give up characters, the widest first,
/// down to a floor; then FLAGS wraps. AGENT is never cut (names have up to 63 characters), nor are STATE, IDLE, HB, TODAY, COST, CTX:
/// when even that does not fit, the AGENT column narrows and a longer name takes a line of its own above its row.
/// </summary>
public static class PsLayout
{
    public static readonly IReadOnlyList<string> Titles = ["AGENT", "TENANT", "HOST", "UNIT", "PANE", "STATE", "IDLE", "HB"];

    /// <summary>The columns a fleet with usage counted adds (<see cref="UsageCells"/>), before FLAGS.</summary>
    public static readonly IReadOnlyList<string> UsageTitles = ["TODAY", "COST", "CTX"];

    /// <summary>The narrowest a cuttable column gets, by index in the titles; null: never cut (every usage column).</summary>
    private static readonly int?[] Floors = [null, 6, 6, 8, 6, null, null, null];

    /// <summary>The narrowest the AGENT column gets before the table overflows the width.</summary>
    private const int AgentFloor = 12;

    /// <summary>
    /// Widths of the columns before FLAGS, and the width FLAGS may use (at least its longest single flag). A name
    /// longer than the AGENT width goes on a line of its own.
    /// </summary>
    public static (int[] Columns, int Flags) Compute(IReadOnlyList<IReadOnlyList<string>> cells, IReadOnlyList<IReadOnlyList<string>> flags, int? limit) =>
        Compute(Titles, cells, flags, limit);

    public static (int[] Columns, int Flags) Compute(IReadOnlyList<string> titles, IReadOnlyList<IReadOnlyList<string>> cells, IReadOnlyList<IReadOnlyList<string>> flags, int? limit)
    {
        var widths = titles.Select((t, i) => cells.Select(c => c[i].Length).Append(t.Length).Max()).ToArray();
        var flagsNatural = flags.Select(f => string.Join(',', f).Length).Append("FLAGS".Length).Max();
        var longestFlag = flags.SelectMany(f => f).Select(f => f.Length).Append("FLAGS".Length).Max();
        if (limit is not { } max) return (widths, flagsNatural);

        int Room() => max - widths.Sum(w => w + 1);
        while (Room() < flagsNatural)
        {
            var cut = Enumerable.Range(0, widths.Length)
                .Where(i => Floor(i) is { } floor && widths[i] > floor)
                .OrderByDescending(i => widths[i] - Floor(i)!.Value).ThenBy(i => i)
                .Select(i => (int?)i).FirstOrDefault();
            if (cut is not { } column) break;
            widths[column]--;
        }
        if (Room() < longestFlag) widths[0] = Math.Max(Math.Max(AgentFloor, titles[0].Length), widths[0] - (longestFlag - Room()));
        return (widths, Math.Max(longestFlag, Math.Min(flagsNatural, Room())));
    }

    private static int? Floor(int column) => column < Floors.Length ? Floors[column] : null;
}
