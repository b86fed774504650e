using System.Globalization;
using System.Text.RegularExpressions;
using FleetExporter.Roster;
using FleetExporter.Sources.Processes;

namespace FleetExporter.Fleet;

/// <summary>
/// Finds a runtime in a pane's process tree. A process is the runtime when its name (/proc comm) or the base name
/// of its argv[0] is one of the runtime's <c>commands</c>, or its command line (argv joined by spaces) matches one
/// of its <c>match</c> patterns. The tree is searched root first, so a wrapper shell that starts the runtime is
/// looked through, and the process nearest the pane wins. A shell running a <c>-c</c> script is never matched by a
/// <c>match</c> pattern: its command line is the script's text, which names the runtime whether or not it still runs.
/// A <c>match</c> pattern runs with the roster's time limit; one that runs out of time decides nothing, so neither
/// does the search: the runtime is then unknown (<see cref="PaneProcesses.Undecided"/>), never absent.
/// </summary>
public static class RuntimeMatcher
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "busybox" };

    /// <summary>Whether the process is the runtime; null when a pattern ran out of time and none matched.</summary>
    public static bool? Matches(RuntimeSpec runtime, string comm, IReadOnlyList<string> argv) => Test(runtime, comm, argv).Matched;

    /// <summary>The answer, and the first pattern that ran out of time (which leaves the answer null unless another matched).</summary>
    private static (bool? Matched, Regex? TimedOut) Test(RuntimeSpec runtime, string comm, IReadOnlyList<string> argv)
    {
        var argv0 = argv.Count > 0 ? Path.GetFileName(argv[0]) : "";
        if (runtime.Commands.Any(c => c == comm || c == argv0)) return (true, null);
        if (runtime.Match.Count == 0 || argv.Count == 0 || IsShellRunningScript(comm, argv)) return (false, null);
        var line = string.Join(' ', argv);
        Regex? timedOut = null;
        foreach (var pattern in runtime.Match)
        {
            try
            {
                if (pattern.IsMatch(line)) return (true, null);
            }
            catch (RegexMatchTimeoutException)
            {
                timedOut ??= pattern;
            }
        }
        return (timedOut is null ? false : null, timedOut);
    }

    /// <summary><c>bash -c '...'</c>, <c>sh -lc '...'</c>: a wrapper whose arguments are a script, not the runtime.</summary>
    private static bool IsShellRunningScript(string comm, IReadOnlyList<string> argv) =>
        Shells.Contains(comm)
        && argv.Skip(1).TakeWhile(a => a.StartsWith('-')).Any(a => !a.StartsWith("--", StringComparison.Ordinal) && a.Contains('c'));

    public static PaneProcesses Inspect(RuntimeSpec runtime, ProcessTable table, int panePid)
    {
        RuntimeProcess? found = null;
        string? undecided = null;
        var commands = new List<string>();
        foreach (var p in table.Tree(panePid))
        {
            commands.Add(p.Comm);
            // The nearest process that matches is the runtime: past one that cannot be told, nothing can be.
            if (found is not null || undecided is not null) continue;
            // comm alone decides most cases; the command line is read only when it must be.
            var (matched, timedOut) = runtime.Commands.Contains(p.Comm) ? (true, null) : Test(runtime, p.Comm, table.Cmdline(p.Pid));
            if (matched == true)
                found = new RuntimeProcess(p.Pid, p.Comm, table.RssBytes(p), table.CpuSeconds(p), table.StartTime(p));
            else if (matched is null)
                undecided = $"runtime {runtime.Name}'s match pattern '{timedOut}' ran out of time ({timedOut!.MatchTimeout.TotalMilliseconds:0} ms) "
                    + $"on the command line of process {p.Pid.ToString(CultureInfo.InvariantCulture)}";
        }
        return new PaneProcesses(undecided is null ? found : null, commands) { Undecided = undecided };
    }
}
