using System.Text;
using FleetExporter.Operator.Journal;
using FleetExporter.Sources.Journal;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Sources;

public sealed class SendJournalSourceTests
{
    private static SendJournalEntry Entry(string agent, string verdict) =>
        new(DateTimeOffset.UtcNow, "op", agent, new string('a', 64), 5, verdict, 0, "because", null, "idle", null);

    [Fact]
    public void Sends_are_counted_per_agent_and_verdict_and_only_new_lines_are_read_each_time()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        var source = new SendJournalSource();
        SendJournal.Append(path, Entry("a1", "acknowledged"));
        SendJournal.Append(path, Entry("a1", "not_ready"));
        SendJournal.Append(path, Entry("a2", "acknowledged"));

        var first = source.Observe(path);
        SendJournal.Append(path, Entry("a1", "acknowledged"));
        var second = source.Observe(path);
        var third = source.Observe(path);

        Assert.True(first.Ok, first.Error);
        Assert.Equal((1, 1, 1), (first.Value!.Count("a1", "acknowledged"), first.Value.Count("a1", "not_ready"), first.Value.Count("a2", "acknowledged")));
        Assert.Equal(2, second.Value!.Count("a1", "acknowledged"));
        Assert.Equal(2, third.Value!.Count("a1", "acknowledged"));
        Assert.Equal(0, third.Value.Count("a3", "acknowledged"));
    }

    /// <summary>
    /// Lines written by someone else cost only themselves: a lone surrogate (as JavaScript writes one) was a 500 on every
    /// /metrics until the file was edited; names outside the roster and unknown verdicts are not kept (a 2 GB journal
    /// of distinct names drove the exporter's memory to 3.7 GB).
    /// </summary>
    [Fact]
    public void A_lone_surrogate_an_agent_outside_the_roster_and_an_unknown_verdict_are_skipped()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        File.WriteAllText(path, """
            {"agent":"\ud800","verdict":"sent"}
            {"agent":"a1","verdict":"\udfff"}
            {"agent":"stranger","verdict":"sent"}
            {"agent":"a1","verdict":"bogus"}
            {"agent":"a1","verdict":"sent"}

            """);

        var r = new SendJournalSource().Observe(path, new HashSet<string> { "a1" });

        Assert.True(r.Ok, r.Error);
        Assert.Equal(1, r.Value!.Count("a1", "sent"));
        Assert.Equal(["a1"], r.Value.ByAgent.Keys);
        Assert.Equal(["sent"], r.Value.ByAgent["a1"].Keys);
    }

    /// <summary>A journal path that is a FIFO made `send` hang forever after typing; a symlink there would be written through.</summary>
    [Fact]
    public async Task Appending_to_a_FIFO_or_through_a_symlink_is_refused_at_once()
    {
        using var dir = new TempDirectory();
        var fifo = dir.File("sends.jsonl");
        Assert.Equal(0, (await FleetExporter.Subprocess.ProcessRunner.RunAsync("mkfifo", [fifo])).ExitCode);
        var target = dir.Write("victim", "precious\n");
        var link = dir.File("linked.jsonl");
        File.CreateSymbolicLink(link, target);

        var viaFifo = Task.Run(() => Assert.ThrowsAny<IOException>(() => SendJournal.Append(fifo, Entry("a1", "sent"))));
        Assert.Same(viaFifo, await Task.WhenAny(viaFifo, Task.Delay(TimeSpan.FromSeconds(20))));
        await viaFifo;
        Assert.ThrowsAny<IOException>(() => SendJournal.Append(link, Entry("a1", "sent")));
        Assert.Equal("precious\n", File.ReadAllText(target));
    }

    [Fact]
    public void A_line_still_without_its_newline_waits_and_a_line_that_is_no_entry_is_skipped()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        var source = new SendJournalSource();
        File.WriteAllText(path, "not json\n{\"agent\":\"a1\"}\n[1,2]\n{\"agent\":\"a1\",\"verdict\":\"draft\"}\n{\"agent\":\"a1\",\"verd");

        var before = source.Observe(path);
        File.AppendAllText(path, "ict\":\"draft\"}\n");
        var after = source.Observe(path);

        Assert.Equal(1, before.Value!.Count("a1", "draft"));
        Assert.Equal(2, after.Value!.Count("a1", "draft"));
    }

    [Fact]
    public void A_journal_that_shrank_is_counted_again_from_its_start_and_a_missing_one_is_no_sends()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        var source = new SendJournalSource();
        var missing = source.Observe(path);
        for (var i = 0; i < 3; i++) SendJournal.Append(path, Entry("a1", "accepted"));
        Assert.Equal(3, source.Observe(path).Value!.Count("a1", "accepted"));

        File.WriteAllText(path, "");
        SendJournal.Append(path, Entry("a1", "unknown"));
        var rotated = source.Observe(path);

        Assert.True(missing.Ok);
        Assert.Equal(0, missing.Value!.Count("a1", "accepted"));
        Assert.Equal((0, 1), (rotated.Value!.Count("a1", "accepted"), rotated.Value.Count("a1", "unknown")));
    }

    [Fact]
    public void A_journal_that_is_a_FIFO_fails_the_source_without_blocking()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sends.jsonl");
        Assert.Equal(0, Mkfifo(path, Convert.ToUInt32("600", 8)));

        var r = new SendJournalSource().Observe(path);

        Assert.False(r.Ok);
        Assert.Contains(path, r.Error);
    }

    [Fact]
    public void A_journal_line_is_one_JSON_object_with_the_fingerprint_and_no_text_unless_asked()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sub/sends.jsonl");

        SendJournal.Append(path, Entry("a1", "acknowledged") with { Evidence = new string('x', 1000) });
        SendJournal.Append(path, Entry("a1", "sent") with { Message = "hello ✓" });

        var lines = File.ReadAllLines(path, Encoding.UTF8);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("\"message\"", lines[0]);
        Assert.Contains("\"sha256\":\"" + new string('a', 64) + "\"", lines[0]);
        Assert.True(lines[0].Length < 1000, "the evidence is a summary");
        Assert.Contains("\"message\":\"hello \\u2713\"", lines[1]);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, uint mode);
}
