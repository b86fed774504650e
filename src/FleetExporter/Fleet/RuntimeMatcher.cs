using FleetExporter.Roster;
using FleetExporter.Sources.Processes;

namespace FleetExporter.Fleet;

/// <summary>
/// Finds a runtime in a pane's process tree. A process is the runtime when its name (/proc comm) or the base name
/// of its argv[0] is one of the runtime's <c>commands</c>, or its command line (argv joined by spaces) matches one
/// of its <c>match</c> patterns. The tree is searched root first, so a wrapper shell that starts the runtime is
/// looked through, and the process nearest the pane wins.
/// </summary>
public static class RuntimeMatcher
{
    public static bool Matches(RuntimeSpec runtime, string comm, IReadOnlyList<string> argv)
    {
        var argv0 = argv.Count > 0 ? Path.GetFileName(argv[0]) : "";
        if (runtime.Commands.Any(c => c == comm || c == argv0)) return true;
        if (runtime.Match.Count == 0 || argv.Count == 0) return false;
        var line = string.Join(' ', argv);
        return runtime.Match.Any(r => r.IsMatch(line));
    }

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
