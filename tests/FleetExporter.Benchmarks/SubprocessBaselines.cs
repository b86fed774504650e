using System.Diagnostics;
using FleetExporter.Subprocess;
using FleetExporter.Tmux;

namespace FleetExporter.Benchmarks;

/// <summary>
/// What the facts cost without the exporter: the floor (the three listings an exporter cannot do without, run
/// concurrently) and the naive join (one <c>systemctl show</c> and one tmux call per agent, one after the other, as
/// an exporter that asks per agent would).
/// </summary>
internal static class SubprocessBaselines
{
    /// <summary>Agents the naive join asks about at most; beyond, its time is scaled up from these (the table marks it).</summary>
    public const int NaiveSample = 1000;

    /// <summary>Median wall time of <c>systemctl --user list-units</c> (the fleet's units), <c>tmux list-panes -a</c> and <c>ps</c>, started together.</summary>
    public static async Task<double> FloorAsync(string unitPattern, string tmuxSocket, int runs)
    {
        var walls = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var all = await Task.WhenAll(
                ProcessRunner.RunAsync("systemctl", ["--user", "list-units", "--all", "--no-pager", "--no-legend", unitPattern], TimeSpan.FromMinutes(1)),
                ProcessRunner.RunAsync("tmux", ["-L", tmuxSocket, "list-panes", "-a", "-F", TmuxListParser.Format], TimeSpan.FromMinutes(1)),
                ProcessRunner.RunAsync("ps", ["-e", "-o", "pid=,ppid=,stat=,rss=,time=,lstart=,comm="], TimeSpan.FromMinutes(1)));
            if (i > 0) walls.Add(watch.Elapsed.TotalMilliseconds); // the first run warms the page cache
            if (all.FirstOrDefault(r => r.ExitCode != 0) is { } failed) throw new InvalidOperationException($"floor: a listing exited {failed.ExitCode}: {failed.FirstErrorLine}");
        }
        return Stats.Median(walls);
    }

    /// <summary>
    /// One run of the same three listings started together by <c>sh</c>, their output to /dev/null, as an operator
    /// would time them: no .NET process launcher in between (which costs more than the listings at 1000 agents).
    /// Timed around the shell, whose own start is a millisecond.
    /// </summary>
    public static async Task<double> ShellFloorOnceAsync(string unitPattern, string tmuxSocket)
    {
        const string script = "systemctl --user list-units --all --no-pager --no-legend \"$1\" >/dev/null & a=$!; " +
                              "tmux -L \"$2\" list-panes -a -F \"$3\" >/dev/null & b=$!; " +
                              "ps -e -o pid=,ppid=,stat=,rss=,time=,lstart=,comm= >/dev/null & c=$!; " +
                              "wait $a && wait $b && wait $c";
        var watch = Stopwatch.StartNew();
        var run = await ProcessRunner.RunAsync("sh", ["-c", script, "floor", unitPattern, tmuxSocket, TmuxListParser.Format], TimeSpan.FromMinutes(1));
        var ms = watch.Elapsed.TotalMilliseconds;
        if (run.ExitCode != 0) throw new InvalidOperationException($"shell floor: a listing exited {run.ExitCode}: {run.FirstErrorLine}");
        return ms;
    }

    /// <summary>Wall time of one naive join of <paramref name="agents"/> agents, and whether it was scaled up from <see cref="NaiveSample"/>.</summary>
    public static async Task<(double Ms, bool Extrapolated)> NaiveJoinAsync(int agents, Func<int, string> unit, Func<int, string> session, string tmuxSocket)
    {
        var asked = Math.Min(agents, NaiveSample);
        var watch = Stopwatch.StartNew();
        for (var i = 1; i <= asked; i++)
        {
            var show = await ProcessRunner.RunAsync("systemctl",
                ["--user", "show", "--no-pager", "-p", "Id,LoadState,ActiveState,SubState,MainPID,NRestarts,UnitFileState", "--", unit(i)]);
            var pane = await ProcessRunner.RunAsync("tmux", ["-L", tmuxSocket, "display-message", "-p", "-t", $"={session(i)}:", TmuxListParser.Format]);
            if (show.ExitCode != 0 || pane.ExitCode != 0)
                throw new InvalidOperationException($"naive join: agent {i}: systemctl exited {show.ExitCode}, tmux {pane.ExitCode}: {show.FirstErrorLine} {pane.FirstErrorLine}");
        }
        return (watch.Elapsed.TotalMilliseconds * agents / asked, asked < agents);
    }
}
