using System.Text;

namespace FleetExporter.Operator;

/// <summary>Cuts a message into pieces a runtime takes as typed text, never inside a character.</summary>
public static class MessagePieces
{
    public static IReadOnlyList<string> Split(string text, int maxBytes, int maxLineBreaks)
    {
        var pieces = new List<string>();
        var piece = new StringBuilder();
        int bytes = 0, breaks = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            var isBreak = rune.Value == '\n';
            if (piece.Length > 0 && (bytes + size > maxBytes || (isBreak && breaks == maxLineBreaks)))
            {
                pieces.Add(piece.ToString());
                piece.Clear();
                bytes = breaks = 0;
            }
            piece.Append(rune.ToString());
            bytes += size;
            if (isBreak) breaks++;
        }
        if (piece.Length > 0) pieces.Add(piece.ToString());
        return pieces;
    }
}
