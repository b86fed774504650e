using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Usage;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Sources;

/// <summary>serve parses an agent's usage file again only when it changed: most do not between two scrapes.</summary>
public sealed class UsageSourceTests
{
    [Fact]
    public async Task A_file_that_changed_just_now_is_parsed_again_at_every_scrape_until_it_has_settled()
    {
        using var dir = new TempDirectory();
        var roster = RosterLoader.Parse($"heartbeat: {{ dir: {dir.Path} }}\nagents:\n  - {{ name: a1, runtime: claude }}\n", "r.yaml");
        UsageFile.Write(UsageFile.PathFor(dir.Path, "a1"), UsageTotals.Empty.Add(new ModelResponse("m1", "claude-opus-4-5", 10, 20, 0, 0)), DateTimeOffset.UtcNow);
        var source = new UsageSource(TimeProvider.System);
        async Task<UsageTotals?> Read() => (await source.ReadAsync(new SourceInput(roster), CancellationToken.None)).Value.ByAgent["a1"].Totals;

        Assert.NotSame(await Read(), await Read());
    }

    [Fact]
    public async Task An_unchanged_file_is_not_parsed_again_and_a_changed_or_removed_one_is_read_as_it_is_now()
    {
        using var dir = new TempDirectory();
        var roster = RosterLoader.Parse($"heartbeat: {{ dir: {dir.Path} }}\nagents:\n  - {{ name: a1, runtime: claude }}\n  - {{ name: a2, runtime: claude }}\n", "r.yaml");
        var file = UsageFile.PathFor(dir.Path, "a1");
        var one = UsageTotals.Empty.Add(new ModelResponse("m1", "claude-opus-4-5", 10, 20, 0, 0));
        UsageFile.Write(file, one, DateTimeOffset.UtcNow);
        var source = new UsageSource(new LaterClock());
        async Task<UsageTotals?> Read() => (await source.ReadAsync(new SourceInput(roster), CancellationToken.None)).Value.ByAgent.GetValueOrDefault("a1")?.Totals;

        var first = await Read();
        Assert.Same(first, await Read());

        UsageFile.Write(file, one.Add(new ModelResponse("m2", "claude-opus-4-5", 1, 2, 0, 0)), DateTimeOffset.UtcNow);
        Assert.Equal(2, (await Read())!.Responses);

        // Rewritten in place to the same length (a file's contents changed without a rename): read again too.
        var text = File.ReadAllText(file);
        File.WriteAllText(file, text.Replace("\"n\":22", "\"n\":99"));
        Assert.Equal(99, (await Read())!.Tokens[("claude-opus-4-5", TokenType.Output)]);

        File.Delete(file);
        Assert.Null(await Read());
        File.WriteAllText(file, "not json");
        var bad = (await source.ReadAsync(new SourceInput(roster), CancellationToken.None)).Value.ByAgent["a1"];
        Assert.Null(bad.Totals);
        Assert.Contains("not a usage file", bad.Problem);
    }
}

/// <summary>A clock 5 s ahead: every file just written has settled (<see cref="FleetExporter.Files.FileIdentity.Settled"/>).</summary>
internal sealed class LaterClock : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddSeconds(5);
}
