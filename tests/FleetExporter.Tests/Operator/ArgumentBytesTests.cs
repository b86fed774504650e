using System.Text;
using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

public sealed class ArgumentBytesTests
{
    private static byte[] CommandLine(params byte[][] args) => [.. args.SelectMany(a => a.Append((byte)0))];

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void An_invalid_byte_in_the_message_argument_is_named_with_its_offset()
    {
        var cmdline = CommandLine(B("dotnet"), B("/x/fleet-exporter.dll"), B("send"), B("a1"), [(byte)'a', (byte)'b', 0xFF, (byte)'c']);

        var problem = ArgumentBytes.Utf8Problem(cmdline, ["/x/fleet-exporter.dll", "send", "a1", "ab\uFFFDc"], "ab\uFFFDc");

        Assert.NotNull(problem);
        Assert.Contains("not valid UTF-8", problem);
        Assert.Contains("0xFF at byte 2", problem);
    }

    [Fact]
    public void A_real_replacement_character_typed_as_valid_UTF_8_is_not_refused()
    {
        var cmdline = CommandLine(B("fleet-exporter"), B("send"), B("a1"), B("ab\uFFFDc"));

        Assert.Null(ArgumentBytes.Utf8Problem(cmdline, ["fleet-exporter", "send", "a1", "ab\uFFFDc"], "ab\uFFFDc"));
    }

    [Fact]
    public void The_raw_argument_is_matched_by_its_place_from_the_end_not_by_its_text()
    {
        // Two arguments decode alike; only the message (the last) is checked by place, and it is valid.
        var cmdline = CommandLine(B("dotnet"), B("x.dll"), [0xC3], B("send"), B("a1"), B("\uFFFD"));

        Assert.Null(ArgumentBytes.Utf8Problem(cmdline, ["x.dll", "--roster-ish", "send", "a1", "\uFFFD"], "\uFFFD"));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xC3 }, 1)]                 // truncated two-byte sequence
    [InlineData(new byte[] { 0xE2, 0x82, 0x61 }, 0)]           // truncated three-byte sequence
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 0)]           // UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xC0, 0xAF }, 0)]                 // overlong '/'
    [InlineData(new byte[] { 0x68, 0xC3, 0xA9, 0x80 }, 3)]     // stray continuation byte after "hé"
    public void Invalid_sequences_are_found_where_they_start(byte[] bytes, int at)
    {
        Assert.Equal(at, ArgumentBytes.InvalidAt(bytes));
    }

    [Fact]
    public void Valid_text_of_every_length_has_no_invalid_byte()
    {
        Assert.Null(ArgumentBytes.InvalidAt(B("plain, héllo ✓ 日本語 🚀")));
        Assert.Null(ArgumentBytes.InvalidAt([]));
    }
}
