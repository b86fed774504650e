using FleetExporter.Roster;
using FleetExporter.Setup;

namespace FleetExporter.Tests.Setup;

/// <summary><c>init --add</c>: agents appended to a roster's list, everything the operator wrote kept as written.</summary>
public sealed class RosterAdditionTests
{
    private const string File = "/home/u/.config/fleet/roster.yaml";

    [Theory]
    [InlineData("# my fleet\ntmux:\n  socket_name: fleet\nagents:\n  - name: a1\n    runtime: claude\n    hooks: true\n")]
    [InlineData("agents:\n  - name: a1\n    runtime: claude\n# the journal\nsend_journal: /tmp/j.jsonl  # keep\n")]
    [InlineData("agents:\n- name: a1\n  runtime: claude")]
    [InlineData("agents:\n    - { name: a1, runtime: claude }\n\n\ntenant: acme\n")]
    [InlineData("agents:\n  -   name: a1\n      runtime: claude\n")]
    [InlineData("agents:\n  -\n      name: a1\n      runtime: claude\n")]
    public void New_agents_are_appended_and_every_other_line_is_kept(string roster)
    {
        var added = RosterAddition.Add(roster, File, ["x1", "x2"], "codex", hooks: true);

        var loaded = RosterLoader.Parse(added, File);
        Assert.Equal(["a1", "x1", "x2"], loaded.Agents.Select(a => a.Name));
        Assert.Equal(["claude", "codex", "codex"], loaded.Agents.Select(a => a.Runtime));
        Assert.True(loaded.Agents[1].HooksInstalled);
        var kept = roster.Split('\n').Where(l => l.Length > 0);
        Assert.All(kept, line => Assert.Contains(line, added.Split('\n')));
        Assert.Equal(RosterLoader.Parse(roster, File).Agents[0].Tenant, loaded.Agents[2].Tenant);
    }

    [Theory]
    [InlineData("agents: [{ name: a1, runtime: claude }]\n", "block list")]
    [InlineData("agents: []\n", "block list")]
    [InlineData("agents:\n  - name: x1\n    runtime: claude\n", "already in the roster")]
    public void A_roster_it_cannot_append_to_is_refused_naming_the_file(string roster, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => RosterAddition.Add(roster, File, ["x1"], "codex", hooks: true));

        Assert.Contains(File, e.Message);
        Assert.Contains(why, e.Message);
    }
}
