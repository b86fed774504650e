namespace FleetExporter.Agents.State;

/// <summary>What an agent is doing. Unknown is never healthy: it is what nothing could tell.</summary>
public enum AgentStateName { Unknown, Working, Waiting, Idle, Stopped }

/// <summary>Where a state came from: the agent's own hooks, or what its pane (screen and process tree) shows.</summary>
public enum StateSource { Hook, Pane }

/// <summary>One agent's state, when it entered it (null: not known) and who said so (null for unknown).</summary>
public sealed record AgentState(AgentStateName Name, DateTimeOffset? Since, StateSource? Source, string? Reason)
{
    public static readonly AgentState Unknown = new(AgentStateName.Unknown, null, null, null);

    /// <summary>Every state, in the order exported (the label values of fleet_agent_state).</summary>
    public static readonly IReadOnlyList<AgentStateName> All =
        [AgentStateName.Working, AgentStateName.Waiting, AgentStateName.Idle, AgentStateName.Stopped, AgentStateName.Unknown];

    public static string Label(AgentStateName name) => name switch
    {
        AgentStateName.Working => "working",
        AgentStateName.Waiting => "waiting",
        AgentStateName.Idle => "idle",
        AgentStateName.Stopped => "stopped",
        _ => "unknown",
    };

    public static AgentStateName? Parse(string? label) => label switch
    {
        "working" => AgentStateName.Working,
        "waiting" => AgentStateName.Waiting,
        "idle" => AgentStateName.Idle,
        "stopped" => AgentStateName.Stopped,
        _ => null,
    };

    public static string Label(StateSource source) => source == StateSource.Hook ? "hook" : "pane";

    public string NameLabel => Label(Name);
}
