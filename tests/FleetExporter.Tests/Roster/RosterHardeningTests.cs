using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using static FleetExporter.Tests.Roster.RosterErrors;

namespace FleetExporter.Tests.Roster;

/// <summary>Rosters an attack would write: nulls, globs, host names, deep nesting, values that would reach a terminal.</summary>
public sealed class RosterHardeningTests
{
    [Theory]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("Null")]
    public void A_yaml_null_tenant_is_unset_like_any_other_yaml_null(string nothing)
    {
        var roster = RosterLoader.Parse($"tenant: {nothing}\nagents:\n  - {{ name: a, runtime: claude, tenant: {nothing} }}\n", FileName);

        Assert.Equal("default", Assert.Single(roster.Agents).Tenant);
    }

    [Fact]
    public void A_quoted_null_is_the_string_null()
    {
        var roster = RosterLoader.Parse("tenant: \"null\"\nagents:\n  - { name: a, runtime: claude }\n", FileName);

        Assert.Equal("null", Assert.Single(roster.Agents).Tenant);
    }

    [Theory]
    [InlineData("[ok]*")]
    [InlineData("build-{1,2}")]
    [InlineData("a\\*")]
    [InlineData("!a")]
    public void A_glob_with_syntax_it_does_not_support_is_refused(string glob)
    {
        var e = Refused($"exclude: ['{glob}']\nagents: []\n");

        AssertNames(e, 1, "exclude[0]");
        Assert.Contains("only '*' and '?'", e.Problem);
    }

    [Fact]
    public void Star_and_question_mark_globs_select_agents()
    {
        var roster = RosterLoader.Parse("include: ['b*', 'o?']\nexclude: ['b-old*']\nagents:\n  - { name: b-1, runtime: claude }\n  - { name: b-old, runtime: claude }\n  - { name: ok, runtime: claude }\n  - { name: okay, runtime: claude }\n", FileName);

        Assert.Equal(["b-1", "ok"], roster.Agents.Select(a => a.Name));
    }

    [Fact(Timeout = 10_000)]
    public async Task An_include_glob_that_would_backtrack_exponentially_selects_nobody_at_once()
    {
        var glob = string.Concat(Enumerable.Repeat("*a", 25)) + "*b";
        var yaml = $"include: ['{glob}']\nagents:\n  - {{ name: {new string('a', 63)}, runtime: claude }}\n";

        var roster = await Task.Run(() => RosterLoader.Parse(yaml, FileName));

        Assert.Empty(roster.Agents);
    }

    [Theory]
    [InlineData("\"evil\\e[2J\"")]
    [InlineData("\"has space\"")]
    [InlineData("\"-leading\"")]
    public void A_host_that_is_no_host_name_is_refused(string host)
    {
        var e = Refused($"host: {host}\nagents: []\n");

        AssertNames(e, 1, "host");
        Assert.DoesNotContain('\e', e.Message);
    }

    [Fact]
    public void A_dotted_host_name_is_accepted()
    {
        Assert.Equal("build-01.example.com", RosterLoader.Parse("host: build-01.example.com\nagents: []\n", FileName).Host);
    }

    [Fact]
    public void Yaml_nested_deeper_than_the_limit_is_refused_with_its_line()
    {
        var e = Refused("agents: []\nx:\n  y: " + new string('[', RosterLoader.MaxDepth) + new string(']', RosterLoader.MaxDepth) + "\n");

        AssertNames(e, 3, "(yaml)");
        Assert.Equal($"nested deeper than {RosterLoader.MaxDepth}", e.Problem);
    }

    [Fact]
    public void A_value_echoed_in_an_error_is_cut_and_its_control_characters_escaped()
    {
        var e = Refused($"tenant: \"\\e]52;c;{new string('x', 100_000)}\"\nagents: []\n");

        Assert.StartsWith("\"\\x1b]52;c;xxx", e.Problem);
        Assert.True(e.Message.Length < 300, $"{e.Message.Length} characters");
        Assert.DoesNotContain('\e', e.Message);
    }
}
