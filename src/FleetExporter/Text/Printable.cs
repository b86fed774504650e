using System.Globalization;
using System.Text;

namespace FleetExporter.Text;

/// <summary>
/// Text from outside (a roster, a pane, a process name) made safe to print on a terminal: control and format
/// characters (ESC, OSC 52, BEL, bidirectional overrides) are written as escapes, never sent raw, and values
/// echoed in an error are cut so that a 10 MB value costs one line.
/// </summary>
public static class Printable
{
    /// <summary>How much of a value an error message quotes.</summary>
    public const int EchoLimit = 100;

    /// <summary>Control and format characters as <c>\xNN</c> (or <c>\uNNNN</c>); everything else unchanged.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c)) sb.Append(c);
            else if (c <= '\u00ff') sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>At most <paramref name="limit"/> characters of <paramref name="text"/>, then '…'.</summary>
    public static string Cut(string text, int limit = EchoLimit) =>
        text.Length <= limit ? text : text[..(char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit)] + "…";

    /// <summary>How long a whole message built from outside values (a config file's keys and paths) may be.</summary>
    public const int MessageLimit = 1000;

    /// <summary>A whole message that quotes outside values unquoted: cut to <see cref="MessageLimit"/>, then escaped.</summary>
    public static string Message(string text) => Escape(Cut(text, MessageLimit));

    /// <summary>A value as an error message quotes it: cut, escaped, in double quotes.</summary>
    public static string Quote(string text) => "\"" + Escape(Cut(text)) + "\"";

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
