using FleetExporter.Roster;
using FleetExporter.Sources.Processes;

namespace FleetExporter.Fleet;

/// <summary>
/// Finds a runtime in a pane's process tree. A process is the runtime when its name (/proc comm) or the base name
/// of its argv[0] is one of the runtime's <c>commands</c>, or its command line (argv joined by spaces) matches one
/// of its <c>match</c> patterns. The tree is searched root first, so a wrapper shell that starts the runtime is
/// looked through, and the process nearest the pane wins. A shell running a <c>-c</c> script is never matched by a
/// <c>match</c> pattern: its command line is the script's text, which names the runtime whether or not it still runs.
/// </summary>
public static class RuntimeMatcher
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "busybox" };

    public static bool Matches(RuntimeSpec runtime, string comm, IReadOnlyList<string> argv)
    {
        var argv0 = argv.Count > 0 ? Path.GetFileName(argv[0]) : "";
        if (runtime.Commands.Any(c => c == comm || c == argv0)) return true;
        if (runtime.Match.Count == 0 || argv.Count == 0 || IsShellRunningScript(comm, argv)) return false;
        var line = string.Join(' ', argv);
        return runtime.Match.Any(r => r.IsMatch(line));
    }

    /// <summary><c>bash -c '...'</c>, <c>sh -lc '...'</c>: a wrapper whose arguments are a script, not the runtime.</summary>
    private static bool IsShellRunningScript(string comm, IReadOnlyList<string> argv) =>
        Shells.Contains(comm)
        && argv.Skip(1).TakeWhile(a => a.StartsWith('-')).Any(a => !a.StartsWith("--", StringComparison.Ordinal) && a.Contains('c'));

    public static PaneProcesses Inspect(RuntimeSpec runtime, ProcessTable table, int panePid)
    {
        RuntimeProcess? found = null;
        var commands = new List<string>();
        foreach (var p in table.Tree(panePid))
        {
            commands.Add(p.Comm);
            // comm alone decides most cases; the command line is read only when it must be.
            if (found is null && (runtime.Commands.Contains(p.Comm) || Matches(runtime, p.Comm, table.Cmdline(p.Pid))))
                found = new RuntimeProcess(p.Pid, p.Comm, table.RssBytes(p), table.CpuSeconds(p), table.StartTime(p));
        }
        return new PaneProcesses(found, commands);
    }
}
