namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// A test that drives a real coding agent: skipped, with the reason, only when that agent is not installed
/// (tests/run.sh installs all four); once it is installed, every failure is a failure.
/// </summary>
public sealed class RealAgentFactAttribute : FactAttribute
{
    public RealAgentFactAttribute(string runtime)
    {
        Timeout = 120_000;
        if (AgentRuntime.Named(runtime).Missing() is { } why) Skip = why;
        else if (RealAgent.MissingTools() is { } tools) Skip = tools;
    }
}
