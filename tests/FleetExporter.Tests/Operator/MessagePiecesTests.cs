using System.Text;
using FleetExporter.Agents.Hooks;
using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// Long messages: Claude Code gets them as pieces it takes as typed text (at most 800 bytes and 2 line breaks each),
/// and a prompt it reports as one wrapped paste is fingerprinted by the text inside.
/// </summary>
public sealed class MessagePiecesTests
{
    public static TheoryData<string> Texts => new()
    {
        new string('a', 16 * 1024),
        string.Concat(Enumerable.Repeat("héllo ✓ naïve café 🚀 ", 700)),
        string.Join('\n', Enumerable.Range(1, 400).Select(i => $"line {i}: " + new string('x', i % 90))),
        "short",
        "\n\n\n\n",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Pieces_join_back_to_the_text_and_none_exceeds_the_limits_or_cuts_a_character(string text)
    {
        var pieces = MessagePieces.Split(text, 800, 2);

        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p =>
        {
            Assert.InRange(Encoding.UTF8.GetByteCount(p), 1, 800);
            Assert.True(p.Count(c => c == '\n') <= 2, $"{p.Count(c => c == '\n')} line breaks in one piece");
            Assert.False(char.IsHighSurrogate(p[^1]), "a piece ends inside a character");
            Assert.False(char.IsLowSurrogate(p[0]), "a piece starts inside a character");
        });
    }

    [Fact]
    public void A_text_within_the_limits_is_one_piece()
    {
        Assert.Equal(["one\ntwo\nthree"], MessagePieces.Split("one\ntwo\nthree", 800, 2));
    }

    [Fact]
    public void Claude_Codes_wrapped_paste_is_fingerprinted_by_the_text_inside()
    {
        var text = "first line\n" + new string('y', 3000) + "\nlast é✓";
        var wrapped = $"\n\n<pasted_content id=\"3fa9\">\n{text}\n</pasted_content id=\"3fa9\">\n";

        Assert.Equal(text, HookEvent.Unwrapped(wrapped));
        Assert.Equal(text, HookEvent.Unwrapped(text));
        var mismatched = $"\n\n<pasted_content id=\"3fa9\">\n{text}\n</pasted_content id=\"0000\">\n";
        Assert.Equal(mismatched, HookEvent.Unwrapped(mismatched));
        var withMore = "please read:" + wrapped;
        Assert.Equal(withMore, HookEvent.Unwrapped(withMore));
    }
}
