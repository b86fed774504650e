namespace FleetExporter.Sources.Processes;

/// <summary>The runtime's process found in a pane's tree, with what /proc says of it.</summary>
public sealed record RuntimeProcess(int Pid, string Command, long RssBytes, double CpuSeconds, DateTimeOffset? StartTime);

/// <summary>What runs in a pane: the runtime's process if any, and the commands seen in the tree (root first).</summary>
public sealed record PaneProcesses(RuntimeProcess? Runtime, IReadOnlyList<string> TreeCommands);
