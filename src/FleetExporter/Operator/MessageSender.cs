namespace FleetExporter.Operator;

/// <summary>Types a message into an agent's pane, literally, then submits it with a separate Enter.</summary>
public static class MessageSender
{
    /// <summary>
    /// Agent TUIs drop an Enter that arrives in the same read as the text (they take the burst for a paste), so
    /// the submitting Enter follows after this gap.
    /// </summary>
    public static readonly TimeSpan DefaultEnterDelay = TimeSpan.FromMilliseconds(150);

    /// <summary>Why a message cannot be sent, or null. Control characters other than line ends and tabs are refused.</summary>
    public static string? Problem(string message)
    {
        var text = Prepare(message);
        if (text.Length == 0) return "the message is empty";
        foreach (var c in text)
            if (char.IsControl(c) && c is not '\n' and not '\t')
                return $"the message contains the control character U+{(int)c:X4}; only text, tabs and line breaks are sent";
        return null;
    }

    /// <summary>Line ends become LF; trailing line ends are dropped (the Enter that follows submits).</summary>
    public static string Prepare(string message) => message.Replace("\r\n", "\n").TrimEnd('\n');

    public static bool IsMultiLine(string message) => Prepare(message).Contains('\n');

    /// <summary>
    /// The text goes through a named paste buffer loaded from stdin, never through tmux's argument parser (which
    /// reads key names and takes a trailing ';' as a command separator). A multi-line message is pasted with
    /// <c>-p</c>: bracketed when the program asked for it, so it arrives as one message, not one per line.
    /// </summary>
    public static async Task SendAsync(OperatorTmux tmux, string session, string message, TimeSpan enterDelay, CancellationToken ct)
    {
        if (Problem(message) is { } problem) throw new ArgumentException(problem, nameof(message));
        var text = Prepare(message);
        var pane = ExactTarget.Pane(session);
        var buffer = "fleet-send-" + Guid.NewGuid().ToString("N");
        await tmux.MustAsync(["load-buffer", "-b", buffer, "-"], standardInput: text, ct: ct);
        try
        {
            // -d deletes the buffer once pasted. Line ends are sent as CR, as a terminal sends a pasted newline.
            await tmux.MustAsync(IsMultiLine(text)
                ? ["paste-buffer", "-p", "-d", "-b", buffer, "-t", pane]
                : ["paste-buffer", "-d", "-b", buffer, "-t", pane], ct: ct);
        }
        catch
        {
            await tmux.RunAsync(["delete-buffer", "-b", buffer], ct: CancellationToken.None);
            throw;
        }
        await Task.Delay(enterDelay, ct);
        await tmux.MustAsync(["send-keys", "-t", pane, "Enter"], ct: ct);
    }
}
