using FleetExporter.Sources.Processes;

namespace FleetExporter.Agents.Hooks;

/// <summary>
/// Codex (0.169) runs hooks in `codex app-server`, one daemon per CODEX_HOME, started by the first Codex TUI and
/// shared by every later one: its environment, so <c>$FLEET_AGENT</c>, is the first agent's whatever session fired
/// the event. Run with <c>--no-daemon</c>, Codex runs them itself, in the agent's pane, with the agent's environment.
/// </summary>
public static class SharedDaemon
{
    /// <summary>Whether a process among the hook's nearest ancestors is such a daemon (shells in between are looked through).</summary>
    public static bool RanThisHook()
    {
        try
        {
            var pid = Environment.ProcessId;
            for (var depth = 0; depth < 4; depth++)
            {
                var stat = ProcStatParser.Parse(File.ReadAllText($"/proc/{pid}/stat"));
                if (stat is null || stat.ParentPid <= 1) return false;
                pid = stat.ParentPid;
                if (IsDaemon(File.ReadAllBytes($"/proc/{pid}/cmdline"))) return true;
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>A command line (NUL-separated, as /proc gives it) whose first argument is <c>app-server</c>.</summary>
    public static bool IsDaemon(byte[] cmdline)
    {
        var args = System.Text.Encoding.UTF8.GetString(cmdline).Split('\0');
        return args.Length > 1 && args[1] == "app-server";
    }
}
