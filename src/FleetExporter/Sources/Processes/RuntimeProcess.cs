namespace FleetExporter.Sources.Processes;

/// <summary>The runtime's process found in a pane's tree, with what /proc says of it.</summary>
public sealed record RuntimeProcess(int Pid, string Command, long RssBytes, double CpuSeconds, DateTimeOffset? StartTime);

/// <summary>What runs in a pane: the runtime's process if any, and the commands seen in the tree (root first).</summary>
public sealed record PaneProcesses(RuntimeProcess? Runtime, IReadOnlyList<string> TreeCommands)
{
    /// <summary>
    /// Why the runtime could not be told (a roster pattern ran out of time on a process in the tree), or null. When
    /// set, a null <see cref="Runtime"/> means unknown, not absent: the join then treats the processes as unknown.
    /// </summary>
    public string? Undecided { get; init; }

    /// <summary>These processes when they decide the runtime, else null (unknown).</summary>
    public PaneProcesses? Decided => Undecided is null ? this : null;
}
