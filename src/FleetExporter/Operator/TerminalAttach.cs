using System.Diagnostics;

namespace FleetExporter.Operator;

/// <summary>
/// The one subprocess that does not go through <c>ProcessRunner</c>: a tmux client attaching to a session must own
/// the operator's terminal (raw mode, its size, its keys), so it inherits stdin, stdout and stderr instead of
/// having them captured, and it runs for as long as the operator watches, so it has no timeout. The caller ends
/// it by detaching its session and, failing that, by killing it.
/// </summary>
public static class TerminalAttach
{
    public static Process Start(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // Watching from inside another tmux is deliberate here (usually another server); tmux refuses to nest when $TMUX is set.
        start.Environment.Remove("TMUX");
        start.Environment.Remove("TMUX_PANE");
        return Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
    }
}
