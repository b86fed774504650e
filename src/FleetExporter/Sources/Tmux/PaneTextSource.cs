using System.Diagnostics;
using System.Security.Cryptography;
using FleetExporter.Roster;
using FleetExporter.Subprocess;
using FleetExporter.Telemetry;

namespace FleetExporter.Sources.Tmux;

/// <summary>
/// The visible text of many panes in one tmux call (commands chained with <c>;</c>), so reading the agents' screens
/// costs one subprocess per collection whatever the fleet size. Each capture is preceded by a marker line carrying
/// a per-call nonce, which no pane's text can forge.
/// </summary>
public sealed class PaneTextSource(string program = "tmux", TimeSpan? timeout = null)
{
    public const string Name = "panes";

    public async Task<SourceResult<IReadOnlyDictionary<string, string>>> CaptureAsync(TmuxSettings tmux, IReadOnlyList<string> paneIds, CancellationToken ct)
    {
        using var span = FleetTelemetry.Source.StartActivity("source panes");
        var watch = Stopwatch.StartNew();
        if (paneIds.Count == 0)
            return SourceResult<IReadOnlyDictionary<string, string>>.Success(Name, new Dictionary<string, string>(), watch.Elapsed);
        var marker = "fleet-pane-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ":";
        var args = new List<string>(tmux.ServerArguments());
        foreach (var pane in paneIds)
        {
            if (args.Count > tmux.ServerArguments().Count) args.Add(";");
            // The marker names the pane through a format: display-message runs its text through strftime first,
            // which mangles a literal "%9".
            args.AddRange(["display-message", "-p", "-t", pane, marker + "#{pane_id}", ";", "capture-pane", "-p", "-t", pane]);
        }
        try
        {
            var output = await ProcessRunner.RunAsync(program, args, timeout, cancellationToken: ct);
            var texts = Split(output.StandardOutput, marker);
            // A pane that closed since list-panes ends the chain with an error; the panes read before it still count.
            if (output.ExitCode != 0 && texts.Count == 0 && !TmuxListParser.MeansNoServer(output.StandardError))
                return Fail($"tmux exited {output.ExitCode}: {output.FirstErrorLine}", watch);
            return SourceResult<IReadOnlyDictionary<string, string>>.Success(Name, texts, watch.Elapsed);
        }
        catch (ProcessRunException e)
        {
            return Fail(e.Message, watch);
        }
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

    private static SourceResult<IReadOnlyDictionary<string, string>> Fail(string why, Stopwatch watch)
    {
        Activity.Current?.SetStatus(ActivityStatusCode.Error, why);
        return SourceResult<IReadOnlyDictionary<string, string>>.Failure(Name, why, watch.Elapsed);
    }
}
