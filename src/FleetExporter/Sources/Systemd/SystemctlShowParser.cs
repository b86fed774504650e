namespace FleetExporter.Sources.Systemd;

/// <summary>Parses <c>systemctl show -p ... u1 u2 ...</c>: one block of Key=Value lines per unit, blank-line separated, in argument order.</summary>
public static class SystemctlShowParser
{
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ParseBlocks(string output)
    {
        var blocks = new List<IReadOnlyDictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (current is { Count: > 0 }) blocks.Add(current);
                current = null;
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            current ??= new Dictionary<string, string>(StringComparer.Ordinal);
            current[line[..eq]] = line[(eq + 1)..];
        }
        if (current is { Count: > 0 }) blocks.Add(current);
        return blocks;
    }

    /// <summary>Pairs blocks with the units asked for; systemd answers in argument order (Id may differ for aliases).</summary>
    public static IReadOnlyDictionary<string, UnitFacts> ToFacts(
        IReadOnlyList<string> units, string output, IReadOnlyDictionary<string, (string? State, DateTimeOffset At)> unitFileStates, DateTimeOffset now)
    {
        var blocks = ParseBlocks(output);
        if (blocks.Count != units.Count)
            throw new FormatException($"systemctl show returned {blocks.Count} blocks for {units.Count} units");
        var facts = new Dictionary<string, UnitFacts>(StringComparer.Ordinal);
        for (var i = 0; i < units.Count; i++)
        {
            var b = blocks[i];
            var fileState = b.TryGetValue("UnitFileState", out var fs)
                ? (State: fs.Length == 0 ? null : fs, At: now)
                : unitFileStates.TryGetValue(units[i], out var cached) ? cached : (State: (string?)null, At: default);
            facts[units[i]] = new UnitFacts(
                units[i],
                Get(b, "LoadState") ?? "unknown",
                Get(b, "ActiveState") ?? "unknown",
                Get(b, "SubState") ?? "unknown",
                fileState.State,
                fileState.At == default ? null : fileState.At,
                int.TryParse(Get(b, "MainPID"), out var pid) && pid > 0 ? pid : null,
                long.TryParse(Get(b, "NRestarts"), out var restarts) ? restarts : null);
        }
        return facts;
    }

    private static string? Get(IReadOnlyDictionary<string, string> block, string key) =>
        block.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
}
