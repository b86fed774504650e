using System.Globalization;
using FleetExporter.Files;
using FleetExporter.Roster;
using FleetExporter.Text;

namespace FleetExporter.Agents.Hooks;

/// <summary>
/// Where hooks leave their problems, since the runtimes hide a hook's stderr: one line each in
/// <c>${XDG_STATE_HOME:-~/.local/state}/fleet/hook.log</c>, kept under 1 MiB by moving it to <c>hook.log.1</c>.
/// </summary>
public static class HookLog
{
    private const long MaxBytes = 1024 * 1024;

    public static string PathName()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } s
            ? s
            : Path.Combine(RosterLoader.Home(), ".local", "state");
        return Path.Combine(state, "fleet", "hook.log");
    }

    public static void Append(DateTimeOffset at, string? agent, string problem)
    {
        try
        {
            var path = PathName();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var info = new FileInfo(path);
            if (info.Exists && info.LinkTarget is null && info.Length > MaxBytes) File.Move(path, path + ".1", overwrite: true);
            // The agent's name may come from $FLEET_AGENT and the problem may quote it: escaped, so neither can
            // forge a line of its own or send escape sequences to whoever reads the log on a terminal.
            var line = $"{at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} agent={Printable.Escape(agent ?? "?")} {Printable.Escape(problem)}\n";
            NonBlockingFile.AppendRegular(path, System.Text.Encoding.UTF8.GetBytes(line));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The log is a courtesy; the hook's exit status must not depend on it.
        }
    }
}
