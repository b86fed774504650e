using FleetExporter.Operator;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// The hostile-input suite: messages handed to `send`. A message that could not arrive as the text it is (empty,
/// blanks the agent drops without a turn, terminal controls, over the size) is refused before anything is typed
/// (exit 2), with the reason; anything else is text.
/// </summary>
public sealed class HostileMessagesTests
{
    public static TheoryData<string, string, string?> Messages => new()
    {
        { "empty", "", "empty" },
        { "only line ends", "\n\r\n", "empty" },
        { "only blanks", "   ", "only blanks" },
        { "blanks and a tab", " \t ", "only blanks" },
        { "an escape sequence", "hi \u001b[2J", "U+001B" },
        { "a NUL", "a\0b", "U+0000" },
        { "a bell", "ding\u0007", "U+0007" },
        { "a carriage return alone", "a\rb", "U+000D" },
        { "over 16 KiB", new string('x', 16 * 1024 + 1), "at most 16384" },
        { "16 KiB of 3-byte characters plus one", new string('€', 16 * 1024 / 3 + 1), "at most 16384" },
        { "exactly 16 KiB", new string('x', 16 * 1024), null },
        { "lines and tabs", "one\n\ttwo\nthree", null },
        { "a blank before text", "  hello", null },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_that_could_not_arrive_as_itself_is_refused_with_why(string kind, string message, string? says)
    {
        var problem = MessageSender.Problem(message);

        if (says is null) Assert.True(problem is null, $"{kind}: {problem}");
        else Assert.True(problem?.Contains(says, StringComparison.Ordinal) == true, $"{kind}: {problem ?? "(accepted)"}");
    }
}
