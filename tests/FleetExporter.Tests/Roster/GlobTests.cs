using FleetExporter.Roster;

namespace FleetExporter.Tests.Roster;

/// <summary>The roster's include/exclude globs: '*' and '?' only, and no pattern can make matching hang.</summary>
public sealed class GlobTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "build-1", true)]
    [InlineData("b*", "build-1", true)]
    [InlineData("b*", "ab", false)]
    [InlineData("*-1", "build-1", true)]
    [InlineData("*-1", "build-10", false)]
    [InlineData("o?", "ok", true)]
    [InlineData("o?", "o", false)]
    [InlineData("o?", "oka", false)]
    [InlineData("b*d*1", "build-1", true)]
    [InlineData("b*d*2", "build-1", false)]
    [InlineData("*a*", "banana", true)]
    [InlineData("*an*an*", "banana", true)]
    [InlineData("*an*an*an*", "banana", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "Exact", false)]
    [InlineData("**?", "x", true)]
    [InlineData("**?", "", false)]
    public void A_glob_matches_as_the_shell_would(string glob, string name, bool matches)
    {
        Assert.Equal(matches, Glob.Matches(glob, name));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_glob_that_would_backtrack_exponentially_as_a_regex_is_answered_at_once()
    {
        // As the regex ^.*a.*a…b$, 25 stars against 63 a's take C(63,25) steps: ps and serve hung on it.
        var glob = string.Concat(Enumerable.Repeat("*a", 25)) + "*b";

        var matches = await Task.Run(() => Glob.Matches(glob, new string('a', 63)));

        Assert.False(matches);
    }
}
