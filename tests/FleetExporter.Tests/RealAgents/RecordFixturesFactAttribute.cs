namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Records fixtures from a real agent: runs only when FLEET_RECORD_FIXTURES=1 (the switch that regenerates
/// tests/FleetExporter.Tests/Agents/Fixtures), and only where that agent is installed.
/// </summary>
public sealed class RecordFixturesFactAttribute : FactAttribute
{
    public RecordFixturesFactAttribute(string runtime)
    {
        Timeout = 180_000;
        if (Environment.GetEnvironmentVariable("FLEET_RECORD_FIXTURES") != "1")
            Skip = "records fixtures only with FLEET_RECORD_FIXTURES=1";
        else if ((AgentRuntime.Named(runtime).Missing() ?? RealAgent.MissingTools()) is { } why)
            Skip = why;
    }
}
