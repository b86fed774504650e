namespace FleetExporter.Operator;

/// <summary>What the agent's pane showed at one moment, and how many typed bytes were still unread.</summary>
public sealed record PaneSnapshot(string Text, string Tty, int? QueuedBytes, string? QueueProblem, DateTimeOffset At)
{
    /// <summary>
    /// Captures the visible pane (wrapped lines joined, so a long input line stays one line) and its tty queue.
    /// <paramref name="pane"/> is a pane id (<c>%N</c>).
    /// </summary>
    public static async Task<PaneSnapshot> CaptureAsync(OperatorTmux tmux, string pane, CancellationToken ct)
    {
        var tty = (await tmux.MustAsync(["display-message", "-p", "-t", pane, "#{pane_tty}"], ct: ct)).TrimEnd('\n');
        var text = await tmux.MustAsync(["capture-pane", "-p", "-J", "-t", pane], ct: ct);
        var (bytes, problem) = TtyInputQueue.Read(tty);
        return new PaneSnapshot(text, tty, bytes, problem, DateTimeOffset.UtcNow);
    }
}
