namespace FleetExporter.Sources.Systemd;

/// <summary>
/// What the join asks of systemd: the facts of the roster's units, in one bounded call per collection, over D-Bus
/// (<see cref="SystemdBusSource"/>) or one systemctl (<see cref="SystemdSource"/>); both report as <c>systemd</c>.
/// </summary>
public interface ISystemdSource : IFleetSource<SystemdObservation>
{
    IReadOnlyList<string> IFleetSource<SystemdObservation>.Methods => SystemdSource.Methods;
}
