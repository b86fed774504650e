namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// The trait that marks the slow tests: the real agents, the native publish, multi-host Prometheus, every test that
/// runs a real Prometheus or Alertmanager (paging, the board's queries, scraping), the browser tests (headless
/// Chromium), the load tests of many processes at once, and the few tests that wait 8 s or more of real time by
/// design (a restart back-off, a stopped tmux server, a slowly changing pane, the whole demo). <c>tests/run.sh --fast</c> runs everything else
/// (<c>--filter Speed!=Slow</c>); <c>tests/run.sh</c> and CI run all.
/// </summary>
public static class Speed
{
    public const string Trait = "Speed";
    public const string Slow = "Slow";
}
