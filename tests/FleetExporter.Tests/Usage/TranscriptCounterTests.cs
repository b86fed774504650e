using System.Diagnostics;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>The hook's counting step on real files: incremental, exact and once, whatever happens to the transcript.</summary>
public sealed class TranscriptCounterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private string Root => _dir.File("claude");
    private IReadOnlyList<string> Roots => [TranscriptCounter.ResolveRoot(Root)!];

    public TranscriptCounterTests() => Directory.CreateDirectory(Path.Combine(Root, "projects"));

    public void Dispose() => _dir.Dispose();

    private string Transcript(string name = "s1") => Path.Combine(Root, "projects", name + ".jsonl");

    private static void Append(string file, params string[] lines) => File.AppendAllText(file, string.Concat(lines.Select(l => l + "\n")));

    private UsageTotals Advance(UsageTotals totals, string file, long budget = TranscriptCounter.MaxBytesPerHook) =>
        TranscriptCounter.Advance(totals, file, Roots, TranscriptFormats.Claude.Parse, budget);

    private static long Input(UsageTotals t) => t.Tokens.GetValueOrDefault(("m", TokenType.Input));

    [Fact]
    public void Each_step_counts_only_what_was_appended_and_a_line_still_being_written_waits_for_its_newline()
    {
        var file = Transcript();
        Append(file, ClaudeLines.User("hi"), ClaudeLines.Assistant("a", "m", 10, 1));
        var first = Advance(UsageTotals.Empty, file);
        Append(file, ClaudeLines.Assistant("b", "m", 20, 2));
        var half = ClaudeLines.Assistant("c", "m", 40, 4);
        File.AppendAllText(file, half[..(half.Length / 2)]);
        var second = Advance(first, file);
        File.AppendAllText(file, half[(half.Length / 2)..] + "\n");
        var third = Advance(second, file);
        var again = Advance(third, file);

        Assert.Equal((10L, 30L, 70L, 70L), (Input(first), Input(second), Input(third), Input(again)));
        Assert.Equal(3, again.Responses);
        Assert.Equal(new FileInfo(file).Length, Assert.Single(again.Transcripts).Offset);
        Assert.Null(again.Problem);
    }

    [Fact]
    public void A_response_written_as_one_line_per_content_block_is_counted_once()
    {
        var file = Transcript();
        Append(file, ClaudeLines.Assistant("a", "m", 10, 7, block: "thinking"), ClaudeLines.Assistant("a", "m", 10, 7, block: "text"),
            ClaudeLines.Assistant("a", "m", 10, 7, block: "tool_use"), ClaudeLines.User("tool result"), ClaudeLines.Assistant("b", "m", 3, 1));

        var t = Advance(UsageTotals.Empty, file);

        Assert.Equal((13L, 8L, 2L), (Input(t), t.Tokens[("m", TokenType.Output)], t.Responses));
    }

    [Fact]
    public void A_backlog_larger_than_one_hook_reads_is_caught_up_over_the_next_events_to_the_same_total()
    {
        var file = Transcript();
        for (var i = 0; i < 50; i++) Append(file, ClaudeLines.User(new string('x', 2000)), ClaudeLines.Assistant($"r{i}", "m", i + 1, 1));
        var whole = Advance(UsageTotals.Empty, file);

        var step = UsageTotals.Empty;
        var steps = 0;
        while (step.Transcripts.FirstOrDefault()?.Offset != new FileInfo(file).Length && steps++ < 1000) step = Advance(step, file, budget: 10_000);

        Assert.InRange(steps, 5, 1000);
        Assert.Equal(50 * 51 / 2, Input(whole));
        Assert.Equal(Input(whole), Input(step));
        Assert.Equal(50, step.Responses);
    }

    [Fact]
    public void A_new_transcript_after_a_clear_or_a_restart_adds_to_the_counts_and_an_old_one_that_grows_again_goes_on_from_its_offset()
    {
        var first = Transcript("s1");
        var second = Transcript("s2");
        Append(first, ClaudeLines.Assistant("a", "m", 10, 1));
        var t = Advance(UsageTotals.Empty, first);
        Append(second, ClaudeLines.Assistant("b", "m", 5, 1));
        t = Advance(t, second);
        Append(first, ClaudeLines.Assistant("c", "m", 100, 1));
        t = Advance(t, first);

        Assert.Equal(115, Input(t));
        Assert.Equal([first, second], t.Transcripts.Select(p => p.Path));
    }

    [Fact]
    public void A_transcript_replaced_under_the_same_name_is_counted_from_its_start()
    {
        var file = Transcript();
        Append(file, ClaudeLines.Assistant("a", "m", 10, 1), ClaudeLines.Assistant("b", "m", 10, 1));
        var t = Advance(UsageTotals.Empty, file);
        var replacement = file + ".new";
        Append(replacement, ClaudeLines.Assistant("c", "m", 7, 1));
        File.Move(replacement, file, overwrite: true);

        t = Advance(t, file);

        Assert.Equal(27, Input(t));
    }

    [Fact]
    public void A_transcript_outside_the_runtimes_directory_is_not_read_even_through_a_link_inside_it()
    {
        var outside = _dir.Write("elsewhere/secret.jsonl", ClaudeLines.Assistant("a", "m", 10, 1) + "\n");
        var link = Transcript("link");
        File.CreateSymbolicLink(link, outside);

        var direct = Advance(UsageTotals.Empty, outside);
        var linked = Advance(UsageTotals.Empty, link);

        Assert.Equal((0L, 0L), (Input(direct), Input(linked)));
        Assert.Contains("outside the runtime's directory", direct.Problem);
        Assert.Contains("outside the runtime's directory", linked.Problem);
    }

    [Fact]
    public void A_root_reached_through_a_link_is_still_the_root()
    {
        var real = _dir.File("dotfiles/claude");
        Directory.CreateDirectory(Path.Combine(real, "projects"));
        var linkedRoot = _dir.File("linked-claude");
        Directory.CreateSymbolicLink(linkedRoot, real);
        var file = Path.Combine(linkedRoot, "projects", "s.jsonl");
        Append(file, ClaudeLines.Assistant("a", "m", 10, 1));

        var t = TranscriptCounter.Advance(UsageTotals.Empty, file, [TranscriptCounter.ResolveRoot(linkedRoot)!], TranscriptFormats.Claude.Parse);

        Assert.Equal(10, Input(t));
        Assert.Null(t.Problem);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_fifo_named_as_the_transcript_is_refused_at_once()
    {
        var fifo = Transcript("fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();

        var t = await Task.Run(() => Advance(UsageTotals.Empty, fifo)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Contains("not a regular file", t.Problem);
        Assert.Equal(0, t.Responses);
    }

    [Fact]
    public void A_transcript_not_written_yet_adds_nothing_and_is_no_problem()
    {
        var t = Advance(UsageTotals.Empty.Add(new ModelResponse("a", "m", 3, 0, 0, 0)), Transcript("later"));
        Assert.Equal((3L, (string?)null), (Input(t), t.Problem));
    }

    [Fact]
    public void Lines_that_are_not_json_or_longer_than_any_line_kept_cost_only_themselves()
    {
        var file = Transcript();
        Append(file, "garbage {", ClaudeLines.Assistant("a", "m", 10, 1), "\"assistant\" \"usage\" but no object");
        File.AppendAllText(file, new string('x', FleetExporter.Files.LineReader.MaxLine + 10) + "\n");
        Append(file, ClaudeLines.Assistant("b", "m", 5, 1));

        var t = UsageTotals.Empty;
        for (var i = 0; i < 10 && t.Transcripts.FirstOrDefault()?.Offset != new FileInfo(file).Length; i++) t = Advance(t, file, budget: 64L * 1024 * 1024);

        Assert.Equal(15, Input(t));
    }
}
