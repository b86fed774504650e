using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>Types a message into an agent's pane, literally, then submits it with a separate Enter.</summary>
public static class MessageSender
{
    /// <summary>
    /// Agent TUIs drop an Enter that arrives in the same read as the text (they take the burst for a paste), so
    /// the submitting Enter follows after this gap.
    /// </summary>
    public static readonly TimeSpan DefaultEnterDelay = TimeSpan.FromMilliseconds(150);

    /// <summary>The largest message `send` takes, in UTF-8 bytes (16 KiB).</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>Why a message cannot be sent, or null. Control characters other than line ends and tabs are refused.</summary>
    public static string? Problem(string message)
    {
        var text = Prepare(message);
        if (text.Length == 0) return "the message is empty";
        // Agents drop a prompt of blanks without a turn (no hook fires): it would be typed and never acknowledged.
        if (string.IsNullOrWhiteSpace(text)) return "the message is only blanks";
        if (System.Text.Encoding.UTF8.GetByteCount(text) is var bytes and > MaxBytes)
            return $"the message is {bytes} bytes; send takes at most {MaxBytes} (16 KiB)";
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
    /// <paramref name="pane"/> is a pane id (<c>%N</c>), so every step reaches the same pane.
    /// </summary>
    /// <exception cref="PaneInModeException">The pane was in a mode (copy mode) before the text or before the Enter.</exception>
    /// <exception cref="DeliveryUncertainException">A step after the text was handed to tmux failed or timed out, or
    /// <paramref name="beforeEnter"/> withheld the Enter: the text may be in the pane.</exception>
    public static async Task SendAsync(TmuxClient tmux, string pane, string message, TimeSpan enterDelay, CancellationToken ct,
        Func<CancellationToken, Task<string?>>? beforeEnter = null, Roster.PasteStyle? style = null)
    {
        if (Problem(message) is { } problem) throw new ArgumentException(problem, nameof(message));
        if (!ExactTarget.IsPaneId(pane)) throw new ArgumentException($"\"{pane}\" is not a pane id", nameof(pane));
        await PasteAsync(tmux, pane, Prepare(message), style ?? Roster.PasteStyle.Default, ct);
        // The check runs during the gap: a dialog that came up while the text was typed must not get the Enter.
        var check = beforeEnter is null ? Task.FromResult<string?>(null) : beforeEnter(ct);
        await Task.WhenAll(Task.Delay(enterDelay, ct), check);
        if (await check is { } withheld)
            throw new DeliveryUncertainException($"the Enter was withheld: {withheld}; the text was typed and may have gone into it", null);
        if (await Uncertain("pressing Enter", () => UnlessInModeAsync(tmux, pane, $"send-keys -t {pane} Enter", ct)) is { } modeAtEnter)
            throw new PaneInModeException(pane, modeAtEnter, textTyped: true);
    }

    /// <summary>How many pastes go into one tmux command (about 470 made a command line tmux refused as too long).</summary>
    private const int PastesPerCall = 40;

    /// <summary>
    /// Loads the text (or its pieces) into uniquely named buffers, then pastes them, up to <see cref="PastesPerCall"/>
    /// per tmux command, each command only while the pane is in no mode. -d deletes a buffer once pasted; line ends
    /// are sent as CR, as a terminal sends a pasted newline.
    /// </summary>
    private static async Task PasteAsync(TmuxClient tmux, string pane, string text, Roster.PasteStyle style, CancellationToken ct)
    {
        var pieces = style.PieceBytes is { } max ? MessagePieces.Split(text, max, style.PieceLineBreaks ?? int.MaxValue) : [text];
        var flags = style.Bracketed || IsMultiLine(text) ? "-p -d" : "-d";
        var buffers = new List<string>();
        var typed = false;
        try
        {
            foreach (var piece in pieces)
            {
                var buffer = "fleet-send-" + Guid.NewGuid().ToString("N");
                await tmux.MustAsync(["load-buffer", "-b", buffer, "-"], standardInput: piece, ct: ct);
                buffers.Add(buffer);
            }
            foreach (var chunk in buffers.Chunk(PastesPerCall))
            {
                var paste = string.Join(" ; ", chunk.Select(b => $"paste-buffer {flags} -b {b} -t {pane}"));
                if (await Uncertain("pasting the text", () => UnlessInModeAsync(tmux, pane, paste, ct)) is { } mode)
                    throw new PaneInModeException(pane, mode, textTyped: typed);
                typed = true;
            }
        }
        catch (Exception e) when (e is not DeliveryUncertainException)
        {
            foreach (var buffer in buffers) await tmux.RunAsync(["delete-buffer", "-b", buffer], ct: CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Presses Enter again, for text that was typed and left in the input (a TUI busy starting up ignores keys for
    /// a while: Codex did for seconds after drawing its prompt). Never in a mode.
    /// </summary>
    public static async Task PressEnterAgainAsync(TmuxClient tmux, string pane, CancellationToken ct)
    {
        if (await Uncertain("pressing Enter again", () => UnlessInModeAsync(tmux, pane, $"send-keys -t {pane} Enter", ct)) is { } mode)
            throw new PaneInModeException(pane, mode, textTyped: true);
    }

    /// <summary>
    /// Once the text is handed to tmux, a failure says nothing about what arrived: a tmux server stopped mid-way
    /// runs the queued command when it continues, after this client gave up.
    /// </summary>
    private static async Task<string?> Uncertain(string step, Func<Task<string?>> action)
    {
        try { return await action(); }
        catch (Exception e) when (e is TmuxCommandException or Subprocess.ProcessRunException)
        {
            throw new DeliveryUncertainException($"{step} failed ({e.Message})", e);
        }
    }

    private const string InModeMarker = "fleet-send-pane-in-mode:";

    /// <summary>
    /// Runs one tmux command (built from ids and names only) unless the pane is in a mode, deciding and acting in a
    /// single tmux command, so the pane cannot enter copy mode between the check and the keys. A pane in a mode
    /// hands keys to the mode (copy mode takes the Enter) while a paste still reaches the program. Returns the
    /// mode's name when it did not run the command, else null.
    /// </summary>
    private static async Task<string?> UnlessInModeAsync(TmuxClient tmux, string pane, string command, CancellationToken ct)
    {
        var output = await tmux.MustAsync(["if-shell", "-F", "-t", pane, "#{pane_in_mode}",
            $"display-message -p -t {pane} '{InModeMarker}#{{pane_mode}}'", command], ct: ct);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(InModeMarker, StringComparison.Ordinal));
        return line is null ? null : line[InModeMarker.Length..].Trim() is { Length: > 0 } mode ? mode : "a mode";
    }
}

/// <summary>
/// The agent's pane was in a mode, usually copy mode (an operator scrolled back): keys would go to the mode. When
/// <see cref="TextTyped"/>, the mode began after the text was pasted, which now sits unsubmitted in the input.
/// The mode is left alone: it is someone's view.
/// </summary>
public sealed class PaneInModeException(string pane, string mode, bool textTyped)
    : Exception($"the pane {pane} is in {(mode == "copy-mode" ? "copy mode (someone is scrolling back in it)" : mode)}")
{
    public string Pane => pane;
    public string Mode => mode;
    public bool TextTyped => textTyped;
}

/// <summary>The outcome of a send is not known: the text may or may not have reached the pane (or been submitted).</summary>
public sealed class DeliveryUncertainException(string message, Exception? inner) : Exception(message, inner);
