using FleetExporter.Roster;

namespace FleetExporter.Sources.Systemd;

/// <summary>What the join asks of systemd: the facts of the roster's units, in one bounded call per collection.</summary>
public interface ISystemdSource
{
    Task<SourceResult<SystemdObservation>> ObserveAsync(FleetRoster roster, CancellationToken ct);
}
