using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Subprocess;
using FleetExporter.Telemetry;
using FleetExporter.Tmux;

namespace FleetExporter.Sources.Tmux;

/// <summary>One <c>tmux list-panes -a</c> per collection, whatever the number of agents.</summary>
public sealed class TmuxSource(string program = "tmux", TimeSpan? timeout = null)
{
    public const string Name = "tmux";

    /// <summary>The same tmux, with the same timeout, reads the agents' screens (<see cref="PaneTextSource"/>).</summary>
    public PaneTextSource Screens { get; } = new(program, timeout);

    public async Task<SourceResult<TmuxObservation>> ObserveAsync(TmuxSettings tmux, CancellationToken ct)
    {
        using var span = FleetTelemetry.Source.StartActivity("source tmux");
        var watch = Stopwatch.StartNew();
        try
        {
            var output = await new TmuxClient(tmux, program, timeout).ListPanesAsync(ct);
            if (output.ExitCode != 0)
            {
                if (TmuxListParser.MeansNoServer(output.StandardError))
                    return SourceResult<TmuxObservation>.Success(Name, new TmuxObservation(new Dictionary<string, TmuxPane>(), false), watch.Elapsed);
                return Fail($"tmux exited {output.ExitCode}: {output.FirstErrorLine}", watch);
            }
            return SourceResult<TmuxObservation>.Success(Name, new TmuxObservation(TmuxListParser.Parse(output.StandardOutput), true), watch.Elapsed);
        }
        catch (Exception e) when (e is ProcessRunException or FormatException)
        {
            return Fail(e.Message, watch);
        }
    }

    private static SourceResult<TmuxObservation> Fail(string why, Stopwatch watch)
    {
        Activity.Current?.SetStatus(ActivityStatusCode.Error, why);
        return SourceResult<TmuxObservation>.Failure(Name, why, watch.Elapsed);
    }
}
