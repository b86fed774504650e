using System.Diagnostics;
using System.Globalization;

namespace FleetExporter.Tests.RealAgents;

/// <summary>Holding a real agent still: its whole process tree stopped, so a screen it shows for a moment stays.</summary>
public sealed partial class RealAgent
{
    /// <summary>Waits until the launch script has named the agent's process (it writes its PID before it execs the agent).</summary>
    private async Task WaitForProcessAsync(TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (File.Exists(Paths.AgentPidFile) && int.TryParse(File.ReadAllText(Paths.AgentPidFile).Trim(), out var pid))
            {
                AgentPid = pid;
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Runtime}: no agent process within {within.TotalSeconds} s");
    }

    /// <summary>SIGSTOP to the agent's process and all its descendants (tmux continues only its own direct children).</summary>
    public void StopTree() => SignalTree("-STOP");

    /// <summary>SIGCONT to the agent's process and all its descendants.</summary>
    public void ContinueTree() => SignalTree("-CONT");

    private void SignalTree(string signal)
    {
        var tree = Descendants(AgentPid).Prepend(AgentPid).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList();
        using var kill = Process.Start("kill", [signal, .. tree]);
        kill.WaitForExit();
    }

    private static IEnumerable<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // The parent is the second field after the command, which ends at the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], out var parent))
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
        }
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
            foreach (var child in children.GetValueOrDefault(pending.Pop()) ?? [])
            {
                yield return child;
                pending.Push(child);
            }
    }
}
