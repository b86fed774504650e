using System.Security.Cryptography;
using FleetExporter.Roster;
using FleetExporter.Subprocess;
using FleetExporter.Tmux;

namespace FleetExporter.Sources.Tmux;

/// <summary>
/// The visible text of many panes in one tmux call (commands chained with <c>;</c>), so reading the agents' screens
/// costs one subprocess per collection whatever the fleet size (one more per pane that closed since list-panes). Each capture is preceded by a marker line carrying
/// a per-call nonce, which no pane's text can forge.
/// </summary>
public sealed class PaneTextSource(string program = "tmux", TimeSpan? timeout = null) : IFleetSource<IReadOnlyDictionary<string, string>>
{
    public const string Name = "panes";

    string IFleetSource<IReadOnlyDictionary<string, string>>.Name => Name;

    /// <summary>The live panes of agents whose runtime has screen patterns, once the pane list has named them.</summary>
    public async Task<SourceRead<IReadOnlyDictionary<string, string>>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        var roster = input.Roster;
        if ((await input.ResultOf<TmuxObservation>()).Value is not { } listed)
            throw new SourceFailedException("no pane list (tmux failed)");
        var ids = roster.Agents
            .Where(a => !roster.Runtimes[a.Runtime].States.IsEmpty)
            .Select(a => listed.Sessions.GetValueOrDefault(a.Session))
            .Where(p => p is { Dead: false })
            .Select(p => p!.PaneId)
            .Distinct()
            .ToList();
        return new(await CaptureAsync(roster.Tmux, ids, ct));
    }

    /// <summary>The text of the given panes; a pane that closed meanwhile is left out. Throws <see cref="SourceFailedException"/> when tmux fails.</summary>
    public async Task<IReadOnlyDictionary<string, string>> CaptureAsync(TmuxSettings tmux, IReadOnlyList<string> paneIds, CancellationToken ct)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (paneIds.Count == 0) return texts;
        var client = new TmuxClient(tmux, program, timeout);
        var marker = "fleet-pane-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ":";
        var start = 0;
        try
        {
            while (start < paneIds.Count)
            {
                var asked = paneIds.Skip(start).ToList();
                var output = await client.RunAsync(Arguments(asked, marker), ct: ct);
                var read = Split(output.StandardOutput, marker);
                if (output.ExitCode == 0)
                {
                    foreach (var (pane, text) in read) texts[pane] = text;
                    break;
                }
                // tmux ends a chain at its first failing command: a pane that closed since list-panes. The panes read
                // before it count, and the ones after it are read again by a shorter chain (each round skips one pane).
                var reached = asked.TakeWhile(read.ContainsKey).Count();
                if (reached == 0)
                {
                    if (texts.Count == 0 && !TmuxListParser.MeansNoServer(output.StandardError))
                        throw new SourceFailedException($"tmux exited {output.ExitCode}: {output.FirstErrorLine}");
                    break;
                }
                // display-message falls back to another pane, so the failing pane's marker is printed; an empty
                // capture after it (a live pane always prints its rows) says capture-pane is what failed.
                var failed = read[asked[reached - 1]].Length == 0 ? reached - 1 : reached;
                for (var i = 0; i < failed; i++) texts[asked[i]] = read[asked[i]];
                start += failed + 1;
            }
            return texts;
        }
        catch (ProcessRunException e)
        {
            throw new SourceFailedException(e.Message);
        }
    }

    private static List<string> Arguments(IReadOnlyList<string> paneIds, string marker)
    {
        var args = new List<string>();
        foreach (var pane in paneIds)
        {
            if (args.Count > 0) args.Add(";");
            // display-message expands its text as a format and then through strftime ("%3" would print as " %3").
            var literal = pane.Replace("#", "##", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal);
            args.AddRange(["display-message", "-p", "-t", pane, marker + literal, ";", "capture-pane", "-p", "-t", pane]);
        }
        return args;
    }

    internal static Dictionary<string, string> Split(string output, string marker)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var lines = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                if (current is not null) texts[current] = string.Join('\n', lines);
                current = line[marker.Length..];
                lines.Clear();
            }
            else if (current is not null) lines.Add(line);
        }
        if (current is not null) texts[current] = string.Join('\n', lines);
        return texts;
    }
}
