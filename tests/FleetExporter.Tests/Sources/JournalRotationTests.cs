using FleetExporter.Operator.Journal;
using FleetExporter.Sources.Journal;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Sources;

/// <summary>
/// The send journal rotates by size, and the counters neither lose the sends of rotated files nor count the history
/// again: not across rotations, not after the exporter restarts, not while many senders append at once.
/// </summary>
public sealed class JournalRotationTests
{
    private static readonly string[] Agents = ["a1", "a2", "a3"];
    private static readonly string[] Verdicts = ["acknowledged", "not_ready", "sent"];

    private static SendJournalEntry Entry(int i) =>
        new(DateTimeOffset.UtcNow, "op", Agents[i % 3], new string('a', 64), 5, Verdicts[i / 3 % 3], 0, "because", null, "idle", null);

    private static long Total(SendCounts counts) => counts.ByAgent.Values.Sum(v => v.Values.Sum());

    [Fact]
    public void A_rotating_journal_keeps_three_old_files_and_its_counts_go_on_exactly_across_every_rotation()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        var watching = new SendJournalSource();
        var expected = new Dictionary<(string, string), long>();
        for (var i = 0; i < 120; i++)
        {
            SendJournal.Append(path, Entry(i), maxBytes: 2000);
            var e = Entry(i);
            expected[(e.Agent, e.Verdict)] = expected.GetValueOrDefault((e.Agent, e.Verdict)) + 1;
            if (i % 7 != 0) continue;
            // A reader that follows along sees every send once, whenever the file was replaced.
            var seen = watching.Observe(path).Value!;
            Assert.False(seen.CatchingUp);
            Assert.Equal(i + 1, Total(seen));
        }

        Assert.True(new FileInfo(path).Length <= 2000);
        Assert.All(new[] { 1, 2, 3 }, n => Assert.True(File.Exists(JournalRotation.Numbered(path, n)), $".{n} missing"));
        Assert.False(File.Exists(JournalRotation.Numbered(path, 4)));
        Assert.StartsWith("{\"carry\":{", File.ReadLines(path).First());
        // A new reader (the exporter restarted) counts everything, the dropped files' sends included, in one collection.
        var fresh = new SendJournalSource().Observe(path).Value!;
        Assert.False(fresh.CatchingUp);
        foreach (var ((agent, verdict), n) in expected) Assert.Equal(n, fresh.Count(agent, verdict));
        Assert.Equal(120, watching.Observe(path).Value!.ByAgent.Values.Sum(v => v.Values.Sum()));
    }

    [Fact]
    public void After_a_restart_no_counts_are_given_until_the_journal_is_read_to_its_end()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        for (var i = 0; i < 60; i++) SendJournal.Append(path, Entry(i));
        var length = new FileInfo(path).Length;
        var source = new SendJournalSource(maxBytesPerCollection: length / 4);

        var results = new List<FleetExporter.Sources.SourceResult<SendCounts>>();
        do results.Add(source.Observe(path));
        while (results[^1].Value!.CatchingUp && results.Count < 10);
        var partial = results[..^1];
        var whole = results[^1];

        Assert.InRange(partial.Count, 3, 5);
        Assert.All(partial, r => Assert.Contains("catching up", r.Note));
        Assert.False(whole.Value!.CatchingUp);
        Assert.Equal(60, Total(whole.Value));
    }

    [Fact]
    public void Concurrent_senders_across_rotations_lose_no_send()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (var i = 0; i < 40; i++) SendJournal.Append(path, Entry(t * 40 + i), maxBytes: 4096);
        });

        Assert.Equal(320, Total(new SendJournalSource().Observe(path).Value!));
    }

    [Fact]
    public void A_carry_line_that_is_not_the_first_line_is_skipped()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("sends.jsonl", """
            {"carry":{"a1":{"sent":5}},"ts":"2026-12-06T00:00:00Z"}
            {"agent":"a1","verdict":"sent"}
            {"carry":{"a1":{"sent":1000}},"ts":"2026-12-06T00:00:00Z"}
            {"carry":"nonsense"}

            """);

        Assert.Equal(6, new SendJournalSource().Observe(path).Value!.Count("a1", "sent"));
    }

    /// <summary>
    /// A journal naming 12,000 other agents: the carry line passes 1 MiB (the reader skipped such lines, and the
    /// counts fell to nothing), and the roster's agent, whose sends came after the others, lost its count.
    /// </summary>
    [Fact]
    public void A_carry_line_of_many_agents_is_read_whole_and_keeps_every_roster_agent()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        var lines = new System.Text.StringBuilder();
        for (var i = 0; i < 12_000; i++)
            foreach (var verdict in new[] { "sent", "draft", "failed", "not_ready" })
                lines.Append($$"""{"agent":"other-{{i:00000}}-{{new string('x', 50)}}","verdict":"{{verdict}}"}""").Append('\n');
        for (var i = 0; i < 7; i++) lines.Append("""{"agent":"a3","verdict":"sent"}""").Append('\n');
        File.WriteAllText(path, lines.ToString());
        var roster = new HashSet<string> { "a1", "a3" };

        SendJournal.Append(path, Entry(0) with { Agent = "a1", Verdict = "sent" }, maxBytes: 1024, rosterAgents: roster);

        Assert.True(File.ReadLines(path).First().Length > 1024 * 1024, "the carry line is over 1 MiB");
        var counts = new SendJournalSource().Observe(path, roster).Value!;
        Assert.False(counts.CatchingUp);
        Assert.Equal(7, counts.Count("a3", "sent"));
        Assert.Equal(1, counts.Count("a1", "sent"));
    }
}
