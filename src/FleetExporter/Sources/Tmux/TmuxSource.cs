using FleetExporter.Subprocess;
using FleetExporter.Tmux;

namespace FleetExporter.Sources.Tmux;

/// <summary>One <c>tmux list-panes -a</c> per collection, whatever the number of agents.</summary>
public sealed class TmuxSource(string program = "tmux", TimeSpan? timeout = null) : IFleetSource<TmuxObservation>
{
    public const string Name = "tmux";

    string IFleetSource<TmuxObservation>.Name => Name;

    /// <summary>The same tmux, with the same timeout, reads the agents' screens (<see cref="PaneTextSource"/>).</summary>
    public PaneTextSource Screens { get; } = new(program, timeout);

    public async Task<SourceRead<TmuxObservation>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        try
        {
            var output = await new TmuxClient(input.Roster.Tmux, program, timeout).ListPanesAsync(ct);
            if (output.ExitCode == 0)
                return new TmuxObservation(TmuxListParser.Parse(output.StandardOutput), true);
            if (TmuxListParser.MeansNoServer(output.StandardError))
                return new TmuxObservation(new Dictionary<string, TmuxPane>(), false);
            throw new SourceFailedException($"tmux exited {output.ExitCode}: {output.FirstErrorLine}");
        }
        catch (Exception e) when (e is ProcessRunException or FormatException)
        {
            throw new SourceFailedException(e.Message);
        }
    }
}
