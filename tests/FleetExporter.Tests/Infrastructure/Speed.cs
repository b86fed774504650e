namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// The trait that marks the slow tests: the real agents, the native publish, multi-host Prometheus and the paging
/// paths through Prometheus and Alertmanager. <c>tests/run.sh --fast</c> runs everything else
/// (<c>--filter Speed!=Slow</c>); <c>tests/run.sh</c> and CI run all.
/// </summary>
public static class Speed
{
    public const string Trait = "Speed";
    public const string Slow = "Slow";
}
