using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

public sealed class CanonicalLineTests
{
    [Fact]
    public void A_line_of_4095_bytes_fits_and_one_of_4096_does_not()
    {
        Assert.Null(CanonicalLine.Problem(new string('a', 4095), "/dev/pts/3"));

        var problem = CanonicalLine.Problem(new string('a', 4096), "/dev/pts/3");

        Assert.NotNull(problem);
        Assert.StartsWith("the message is 4096 bytes long (UTF-8)", problem);
        Assert.Contains("/dev/pts/3 in canonical (line) mode", problem);
        Assert.Contains("at most 4095 bytes per line", problem);
    }

    [Fact]
    public void Lines_are_measured_in_UTF_8_bytes_not_characters()
    {
        var problem = CanonicalLine.Problem(new string('é', 2048), "/dev/pts/3"); // 2048 characters, 4096 bytes

        Assert.Contains("4096 bytes", problem);
        Assert.Equal(4096, CanonicalLine.LongestLineBytes(new string('é', 2048)));
    }

    [Fact]
    public void Each_line_of_a_multi_line_message_is_measured_on_its_own()
    {
        var fits = string.Join('\n', Enumerable.Repeat(new string('a', 4000), 3));
        var second = "short\r\n" + new string('b', 5000) + "\nshort\n";

        Assert.Null(CanonicalLine.Problem(fits, "/dev/pts/3"));
        Assert.StartsWith("line 2 of the message is 5000 bytes long", CanonicalLine.Problem(second, "/dev/pts/3"));
        Assert.Equal(5000, CanonicalLine.LongestLineBytes(second));
    }
}
