using FleetExporter.Agents.Install;
using FleetExporter.Roster;

namespace FleetExporter.Tests.Roster;

/// <summary>
/// `$` in a .NET regular expression also matches before a final line break: "a1\n" passed every name check and made
/// `a1\n.hb` files and broken printed commands. Every name check anchors at the very end.
/// </summary>
public sealed class TrailingNewlineTests
{
    private const string File = "/etc/fleet/roster.yaml";

    [Theory]
    [InlineData("agents:\n  - { name: \"a1\\n\", runtime: claude }\n", "name")]
    [InlineData("tenant: \"acme\\n\"\nagents: []\n", "tenant")]
    [InlineData("host: \"h1\\n\"\nagents: []\n", "host")]
    [InlineData("agents:\n  - { name: a1, runtime: claude, unit: \"a1.service\\n\" }\n", "unit")]
    [InlineData("agents:\n  - { name: a1, runtime: claude, session: \"s1\\n\" }\n", "session")]
    [InlineData("heartbeat: { interval: \"5s\\n\" }\nagents: []\n", "interval")]
    [InlineData("runtimes:\n  \"mine\\n\": { commands: [mine] }\nagents: []\n", "runtimes")]
    public void A_roster_value_with_a_trailing_newline_is_refused(string yaml, string key)
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse(yaml, File));

        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Names_checked_outside_the_roster_refuse_a_trailing_newline_too()
    {
        Assert.False(HookCommandLine.IsValidAgentName("a1\n"));
        Assert.True(HookCommandLine.IsValidAgentName("a1"));
        Assert.False(Durations.TryParse("5s\n", out _));
    }
}
