namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// A test that drives a real coding agent: skipped, with the reason, only when that agent is not installed
/// (tests/run.sh installs all four); once it is installed, every failure is a failure.
/// </summary>
public sealed class RealAgentFactAttribute : FactAttribute
{
    public RealAgentFactAttribute(string runtime)
    {
        Timeout = 180_000;  // room for a start of up to 90 s (RealAgent.StartAsync) on a loaded machine
        if (AgentRuntime.Named(runtime).Missing() is { } why) Skip = why;
        else if (RealAgent.MissingTools() is { } tools) Skip = tools;
    }
}
