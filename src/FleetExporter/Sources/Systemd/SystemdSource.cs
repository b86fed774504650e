using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Subprocess;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// One <c>systemctl show</c> for every roster unit per collection. UnitFileState (a file-system walk per unit
/// inside systemd) is asked for only when the cached value is older than <c>systemd.unit_file_state_max_age</c>.
/// </summary>
public sealed class SystemdSource(TimeProvider clock, string program = "systemctl", TimeSpan? timeout = null) : ISystemdSource
{
    public const string Name = "systemd";
    public const string MethodSystemctl = "systemctl";

    /// <summary>The ways the systemd facts can be read, as exported in <c>fleet_collector_method</c>.</summary>
    public static readonly IReadOnlyList<string> Methods = [SystemdBusSource.MethodDbus, MethodSystemctl];
    private const string LiveProperties = "Id,LoadState,ActiveState,SubState,MainPID,NRestarts";

    private readonly UnitFileStateCache _unitFileStates = new();

    string IFleetSource<SystemdObservation>.Name => Name;

    public async Task<SourceRead<SystemdObservation>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        var roster = input.Roster;
        var span = Activity.Current;
        var ask = SystemdAsk.For(roster, _unitFileStates, clock);
        var (units, now, cache, refreshFileState) = (ask.Units, ask.Now, ask.Cache, ask.RefreshFileState);
        if (units.Count == 0) return Read(ask.Observation(new Dictionary<string, UnitFacts>()));

        var args = new List<string> { roster.Systemd.Scope == SystemdScope.User ? "--user" : "--system", "show", "--no-pager",
            "-p", refreshFileState ? LiveProperties + ",UnitFileState" : LiveProperties, "--" };
        args.AddRange(units);
        span?.SetTag("fleet.units", units.Count);
        span?.SetTag("fleet.unit_file_state_refreshed", refreshFileState);
        try
        {
            var output = await ProcessRunner.RunAsync(program, args, timeout, cancellationToken: ct);
            if (output.ExitCode != 0)
                throw new SourceFailedException($"systemctl exited {output.ExitCode}: {output.FirstErrorLine}");
            var facts = SystemctlShowParser.ToFacts(units, output.StandardOutput, cache, now);
            if (refreshFileState) _unitFileStates.Refreshed(facts, now);
            return Read(ask.Observation(facts));
        }
        catch (Exception e) when (e is ProcessRunException or FormatException)
        {
            throw new SourceFailedException(e.Message);
        }
    }

    private static SourceRead<SystemdObservation> Read(SystemdObservation observation) => new(observation) { Method = MethodSystemctl };
}
