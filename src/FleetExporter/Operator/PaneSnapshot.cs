using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>
/// What the agent's pane showed at one moment, and how many typed bytes its reader had not read yet (in the pane's
/// terminal or a terminal nested in it, see <see cref="TtyInputQueue.ReadForPane"/>); <see cref="Tty"/> is where they wait.
/// </summary>
public sealed record PaneSnapshot(string Text, string Tty, int? QueuedBytes, string? QueueProblem, DateTimeOffset At)
{
    /// <summary>
    /// Captures the visible pane (wrapped lines joined, so a long input line stays one line) and its reader's tty queue.
    /// <paramref name="pane"/> is a pane id (<c>%N</c>).
    /// </summary>
    public static async Task<PaneSnapshot> CaptureAsync(TmuxClient tmux, string pane, CancellationToken ct)
    {
        var ids = (await tmux.MustAsync(["display-message", "-p", "-t", pane, "#{pane_pid} #{pane_tty}"], ct: ct)).TrimEnd('\n').Split(' ', 2);
        var text = await tmux.MustAsync(["capture-pane", "-p", "-J", "-t", pane], ct: ct);
        var queue = TtyInputQueue.ReadForPane(int.TryParse(ids[0], out var pid) ? pid : null, ids[^1]);
        return new PaneSnapshot(text, queue.Tty, queue.Bytes, queue.Problem, DateTimeOffset.UtcNow);
    }
}
