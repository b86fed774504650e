using System.Text.RegularExpressions;
using FleetExporter.Fleet;
using FleetExporter.Glance;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Glance;

public sealed class AttentionTests
{
    [Fact]
    public void The_summary_counts_flagged_unknown_and_waiting_agents()
    {
        Assert.Equal("No agents in the roster.", Attention.Summary([]));
        Assert.Equal("All 2 agents are fine.", Attention.Summary([([], "working"), ([], "?")]));
        Assert.Equal("The 1 agent is fine.", Attention.Summary([([], "idle")]));
        Assert.Equal("1 of 1 agent needs attention (1 waiting for a human).", Attention.Summary([([], "waiting")]));
        Assert.Equal("2 of 3 agents need attention (1 flagged, 1 with unknown facts).",
            Attention.Summary([(["DRIFT", "?"], "stopped"), (["?"], "?"), ([], "idle")]));
    }

    [Fact]
    public void Worse_flags_sort_first_and_equal_ranks_keep_their_order()
    {
        (string Name, string[] Flags, string State)[] rows =
        [
            ("a", [], "idle"), ("b", ["BOOT-ENABLE"], "working"), ("c", ["?"], "?"), ("d", ["HB-STALE", "DRIFT"], "?"),
            ("e", [], "waiting"), ("f", ["BOOT-ENABLE"], "idle"), ("g", ["DOWN"], "stopped"), ("h", [], "working"),
        ];

        var sorted = Attention.Sort(rows, r => r.Flags, r => r.State).Select(r => r.Name);

        Assert.Equal(["g", "d", "b", "f", "c", "e", "a", "h"], sorted);
    }

    [Fact]
    public void Every_flag_has_a_meaning_and_a_runbook_anchor_that_the_rules_and_runbooks_use()
    {
        var rules = File.ReadAllText(RepoPaths.File("rules/fleet-alerts.yml"));
        var runbooks = File.ReadAllText(RepoPaths.File("docs/runbooks.md"));
        var headings = Regex.Matches(runbooks, "^## (\\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet();

        Assert.Equal(AgentFlags.All.Append(FlagGuide.Unknown).Order(StringComparer.Ordinal), FlagGuide.Entries.Select(e => e.Flag).Order(StringComparer.Ordinal));
        foreach (var entry in FlagGuide.Entries.Append(FlagGuide.Waiting))
        {
            Assert.Contains($"runbook_url: \"{entry.RunbookUrl}\"", rules);
            Assert.Contains(entry.RunbookAnchor, headings);
            Assert.False(string.IsNullOrWhiteSpace(entry.Meaning));
        }
    }

    [Fact]
    public void The_pane_shows_the_runtime_found_else_what_runs_instead()
    {
        Assert.Equal((PaneKind.Runtime, "claude"), Of(SampleAgents.Healthy("a", paneCommand: "bash")));
        Assert.Equal((PaneKind.Instead, "bash"), Of(SampleAgents.Drifted("a")));
        Assert.Equal((PaneKind.Instead, "python3"), Of(SampleAgents.Drifted("a", "python3")));
        Assert.Equal((PaneKind.Dead, "dead(3)"), Of(SampleAgents.DeadPane("a")));
        Assert.Equal((PaneKind.NoSession, "-"), Of(SampleAgents.Down("a")));
        Assert.Equal((PaneKind.Unknown, "?"), Of(SampleAgents.Healthy("a") with { SessionPresent = null }));
        Assert.Equal((PaneKind.Unknown, "?"), Of(SampleAgents.Healthy("a") with { Processes = null, RuntimeUnknown = "pattern ran out of time" }));
    }

    private static (PaneKind, string) Of(AgentStatus a) => (PaneWitness.Of(a).Kind, PaneWitness.Of(a).Text);
}
