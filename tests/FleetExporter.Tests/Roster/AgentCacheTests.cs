using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Roster;

/// <summary>A hook reads one agent's entry, kept from the last parse, for as long as the roster is the same file unchanged.</summary>
public sealed class AgentCacheTests
{
    /// <summary>5 s from now: the roster written by the test has settled (a roster changed in the last 2 s is not kept).</summary>
    private static DateTimeOffset Later => DateTimeOffset.UtcNow.AddSeconds(5);

    private static string Roster(string interval, string runtime = "claude") =>
        $"heartbeat: {{ dir: /run/hb, interval: {interval} }}\nagents:\n  - {{ name: a1, runtime: {runtime} }}\n  - {{ name: a2, runtime: codex }}\n";

    [Fact]
    public void The_entry_is_kept_after_the_first_parse_and_read_from_there_while_the_roster_is_unchanged()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", Roster("30s"));
        var cache = dir.File("cache");

        Assert.Equal(new CachedAgent("a1", "claude", TimeSpan.FromSeconds(30), "/run/hb"), AgentCache.Find(roster, "a1", cache, Later));
        var entry = Assert.Single(Directory.GetFiles(cache));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));

        // The kept entry is what is read (edited here only to tell it from a parse).
        File.WriteAllText(entry, File.ReadAllText(entry).Replace("\"claude\"", "\"kept\""));
        Assert.Equal("kept", AgentCache.Find(roster, "a1", cache, Later)!.Runtime);
    }

    [Fact]
    public void Any_write_to_the_roster_even_of_the_same_size_or_a_roster_put_in_its_place_is_parsed_again()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", Roster("30s"));
        var cache = dir.File("cache");
        Assert.Equal(TimeSpan.FromSeconds(30), AgentCache.Find(roster, "a1", cache, Later)!.HeartbeatInterval);

        File.WriteAllText(roster, Roster("45s"));   // the same size, the same inode
        Assert.Equal(TimeSpan.FromSeconds(45), AgentCache.Find(roster, "a1", cache, Later)!.HeartbeatInterval);

        var replacement = dir.Write("new.yaml", Roster("45s", runtime: "gemini"));
        File.Move(replacement, roster, overwrite: true);   // as an editor or a deploy replaces it
        Assert.Equal("gemini", AgentCache.Find(roster, "a1", cache, Later)!.Runtime);
    }

    [Fact]
    public void An_unknown_agent_is_null_a_bad_roster_is_its_error_and_a_cache_that_cannot_be_written_costs_only_the_parse()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", Roster("30s"));
        var blocked = dir.Write("not-a-directory", "x");

        Assert.Null(AgentCache.Find(roster, "nobody", dir.File("cache"), Later));
        Assert.Empty(Directory.GetFiles(dir.File("cache")));
        Assert.Equal("codex", AgentCache.Find(roster, "a2", blocked, Later)!.Runtime);

        File.WriteAllText(roster, "agents: [ {");
        Assert.Throws<RosterException>(() => AgentCache.Find(roster, "a1", dir.File("cache"), Later));
    }

    [Fact]
    public void A_roster_changed_just_now_is_not_kept_nor_is_anything_in_a_directory_others_can_write_or_for_a_name_no_roster_has()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", Roster("30s"));
        var cache = dir.File("cache");
        Assert.Equal("claude", AgentCache.Find(roster, "a1", cache, DateTimeOffset.UtcNow)!.Runtime);
        Assert.Empty(Directory.GetFiles(cache));

        var shared = Directory.CreateDirectory(dir.File("shared")).FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111);
        Assert.Equal("claude", AgentCache.Find(roster, "a1", shared, Later)!.Runtime);
        Assert.Empty(Directory.GetFiles(shared));

        Assert.Null(AgentCache.Find(roster, "../a1", cache, Later));
        Assert.Empty(Directory.GetFiles(cache));
    }
}
