using FleetExporter.Sources.Processes;

namespace FleetExporter.Operator;

/// <summary>One process's terminal facts, from <c>/proc/PID/stat</c> fields 4 to 8.</summary>
public sealed record TerminalStat(int Pid, string Comm, int ParentPid, int ProcessGroup, int Session, int Terminal, int ForegroundGroup)
{
    /// <summary>Whether the process is in the foreground process group of its controlling terminal: the group that reads it.</summary>
    public bool InForeground => Terminal != 0 && ProcessGroup == ForegroundGroup;

    /// <summary>From the one /proc stat parser (<see cref="ProcStatParser"/>); null for a line without the shape or a zombie.</summary>
    public static TerminalStat? Parse(string line) => ProcStatParser.Parse(line) is { State: not 'Z' } p ? From(p) : null;

    public static TerminalStat From(ProcStat p) => new(p.Pid, p.Comm, p.ParentPid, p.ProcessGroup, p.Session, p.Terminal, p.ForegroundGroup);
}

/// <summary>
/// The process that reads what is typed into a pane, and the terminals the typed bytes pass through to reach it,
/// outermost (the pane's own) first. A program that runs its child under a pty of its own (<c>script</c>, an
/// agent's interactive shell tool) reads the pane's terminal and writes what it read into the inner one, where it
/// waits until the inner foreground program reads it.
/// </summary>
public sealed record PaneReader(int Pid, string Command, IReadOnlyList<int> Terminals)
{
    /// <summary>
    /// Pure: the deepest process of the pane's tree (rooted at <paramref name="panePid"/>) that is in the foreground
    /// of its terminal; at equal depth the one behind more terminals, then the lowest pid. Its terminals are those
    /// its ancestors and itself read in the foreground, in order. Null when no process of the tree is in the
    /// foreground of any terminal.
    /// </summary>
    public static PaneReader? Find(IEnumerable<TerminalStat> processes, int panePid)
    {
        var byPid = processes.ToDictionary(p => p.Pid);
        if (!byPid.TryGetValue(panePid, out var root)) return null;
        var children = byPid.Values.Where(p => p.Pid != panePid).ToLookup(p => p.ParentPid);
        (TerminalStat Process, List<int> Terminals, int Depth)? best = null;
        var queue = new Queue<(TerminalStat Process, List<int> Terminals, int Depth)>([(root, With([], root), 0)]);
        while (queue.TryDequeue(out var node))
        {
            if (node.Process.InForeground && (best is not { } b || node.Depth > b.Depth
                || (node.Depth == b.Depth && (node.Terminals.Count > b.Terminals.Count || (node.Terminals.Count == b.Terminals.Count && node.Process.Pid < b.Process.Pid)))))
                best = node;
            foreach (var child in children[node.Process.Pid])
                if (node.Depth < 64) queue.Enqueue((child, With(node.Terminals, child), node.Depth + 1));
        }
        return best is { } r ? new PaneReader(r.Process.Pid, r.Process.Comm, r.Terminals) : null;
    }

    private static List<int> With(List<int> terminals, TerminalStat p) =>
        p.InForeground && !terminals.Contains(p.Terminal) ? [.. terminals, p.Terminal] : terminals;

    /// <summary>Reads the pane's process subtree (<see cref="ProcessTable.ReadTree"/>) and finds its reader.</summary>
    public static PaneReader? Read(int panePid, string procRoot = "/proc") =>
        Find(ProcessTable.ReadTree(panePid, procRoot).Tree(panePid).Where(p => p.State != 'Z').Select(TerminalStat.From), panePid);

    /// <summary>
    /// The terminals typed text passes through in a pane: the pane's own (<paramref name="paneTty"/>, as tmux names
    /// it), then each further one on the way to the reader. With a problem instead when one has no /dev/pts name.
    /// </summary>
    public static (IReadOnlyList<string> Paths, string? Problem) TerminalPaths(int? panePid, string paneTty, string procRoot = "/proc")
    {
        var reader = panePid is { } pid ? Read(pid, procRoot) : null;
        var paths = new List<string> { paneTty };
        foreach (var terminal in reader?.Terminals ?? [])
        {
            if (DevicePath(terminal) is not { } path)
                return (paths, $"the pane's reader {reader!.Command} ({reader.Pid}) reads a terminal with no /dev/pts name (device {terminal >> 8 & 0xfff}:{terminal & 0xff})");
            if (!paths.Contains(path)) paths.Add(path);
        }
        return (paths, null);
    }

    /// <summary>
    /// The device path of a terminal number as stat gives it (major in bits 8-19, minor in bits 0-7 and 20-31), for
    /// pty slaves (majors 136 to 143: <c>/dev/pts/N</c>); null for other terminals.
    /// </summary>
    public static string? DevicePath(int terminal)
    {
        var major = (terminal >> 8) & 0xfff;
        var minor = (terminal & 0xff) | ((terminal >> 12) & 0xfff00);
        return major is >= 136 and <= 143 ? $"/dev/pts/{(major - 136) * 256 + minor}" : null;
    }
}
