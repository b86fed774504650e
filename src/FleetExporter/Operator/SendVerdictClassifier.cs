using System.Text.RegularExpressions;
using FleetExporter.Sources.Journal;

namespace FleetExporter.Operator;

/// <summary>
/// Decides from evidence alone (pane text before and after, the message, the runtime's prompt patterns and the
/// tty's unread bytes) whether a sent message was accepted. Fails closed: anything short of proof is unverifiable.
/// </summary>
public static partial class SendVerdictClassifier
{
    /// <summary>Shortest input-line fragment taken as the message, so a one-letter input does not match any message.</summary>
    private const int MinimumFragment = 8;

    public static SendVerdict Classify(string before, string after, string message, IReadOnlyList<Regex> prompts, int? queuedBytes)
    {
        if (queuedBytes is null)
            return new(SendOutcome.Unverifiable, "the pane's terminal input queue could not be read");
        if (queuedBytes > 0)
            return new(SendOutcome.Unverifiable,
                $"{queuedBytes} typed bytes still wait unread in the pane's terminal (the program is busy, stopped or not reading it)");
        if (string.IsNullOrWhiteSpace(after))
            return new(SendOutcome.Unverifiable, "the pane is blank");
        if (Normalize(after) == Normalize(before))
            return new(SendOutcome.Unverifiable, "the pane did not change");
        var (input, timedOut) = ReadInputLine(after, prompts);
        if (timedOut is not null)
            return new(SendOutcome.Unverifiable,
                $"the prompt pattern '{timedOut}' ran out of time ({timedOut.MatchTimeout.TotalMilliseconds:0} ms) on the pane, so its input line cannot be read");
        if (input is not null && PastedPlaceholder().IsMatch(input))
            return new(SendOutcome.Draft, $"the message sits unsubmitted in the input as pasted content: \"{Shorten(input)}\"");
        if (input is not null && HoldsMessage(input, message))
            return new(SendOutcome.Draft, $"the message sits unsubmitted in the input line: \"{Shorten(input)}\"");
        return new(SendOutcome.Accepted, "the pane changed and the input line does not hold the message");
    }

    /// <summary>The text of the current input line: the lowest line any prompt pattern matches, or null.</summary>
    public static string? InputLine(string pane, IReadOnlyList<Regex> prompts) => ReadInputLine(pane, prompts).Input;

    /// <summary>
    /// The input line, or the pattern that ran out of time on a line below any match: then which line is the input
    /// line cannot be told (the timed-out one may be it), and the caller must not guess.
    /// </summary>
    private static (string? Input, Regex? TimedOut) ReadInputLine(string pane, IReadOnlyList<Regex> prompts)
    {
        var lines = pane.Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
            foreach (var prompt in prompts)
            {
                Match m;
                try { m = prompt.Match(lines[i].TrimEnd('\r')); }
                catch (RegexMatchTimeoutException) { return (null, prompt); }
                if (m.Success) return (m.Groups["input"].Success ? m.Groups["input"].Value : "", null);
            }
        return (null, null);
    }

    /// <summary>
    /// Whether the input line shows the message or a long enough part of it (a TUI may wrap or scroll a long
    /// input, and a multi-line message shows one line per row).
    /// </summary>
    public static bool HoldsMessage(string input, string message)
    {
        var shown = Normalize(input);
        var sent = Normalize(message);
        if (shown.Length == 0 || sent.Length == 0) return false;
        if (shown.Contains(sent, StringComparison.Ordinal)) return true;
        return shown.Length >= Math.Min(MinimumFragment, sent.Length) && sent.Contains(shown, StringComparison.Ordinal);
    }

    /// <summary>Whitespace runs (including line ends and trailing blanks) count as one space.</summary>
    public static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Shorten(string text) => text.Length <= 60 ? text.Trim() : text.Trim()[..57] + "...";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>What the runtimes show for a long paste: Claude Code "[Pasted text #1 +3 lines]", Codex "[Pasted Content 1500 chars]", Gemini CLI "[Pasted Text: 40 lines]".</summary>
    [GeneratedRegex(@"^\s*\[Pasted (?:text|Text|Content)\b[^\]]*\]")]
    private static partial Regex PastedPlaceholder();
}
