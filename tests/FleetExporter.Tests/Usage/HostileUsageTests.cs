using System.Text;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>Transcripts and usage files made to hurt: each costs at most its own agent's usage, and counting goes on.</summary>
public sealed class HostileUsageTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private string Root => _dir.File("claude");

    public HostileUsageTests() => Directory.CreateDirectory(Path.Combine(Root, "projects"));

    public void Dispose() => _dir.Dispose();

    private UsageTotals Advance(UsageTotals t, string file) =>
        TranscriptCounter.Advance(t, file, [TranscriptCounter.ResolveRoot(Root)!], TranscriptFormats.Claude.Parse);

    [Fact]
    public void A_line_longer_than_one_hooks_budget_is_read_or_skipped_and_the_responses_after_it_are_counted_with_the_default_budget()
    {
        var file = Path.Combine(Root, "projects", "big.jsonl");
        // A tool result of 9 MiB (a PDF read in base64), and a response after it; then one over 16 MiB, and another response.
        File.WriteAllText(file, ClaudeLines.User(new string('A', 9 * 1024 * 1024)) + "\n" + ClaudeLines.Assistant("a", "m", 10, 1) + "\n"
                                + ClaudeLines.User(new string('B', 17 * 1024 * 1024)) + "\n" + ClaudeLines.Assistant("b", "m", 5, 1) + "\n");

        var t = UsageTotals.Empty;
        var hooks = 0;
        while (t.Transcripts.FirstOrDefault()?.Offset != new FileInfo(file).Length && hooks++ < 10) t = Advance(t, file);

        Assert.True(hooks <= 6, $"{hooks} hooks to reach the end");
        Assert.Equal(15, t.Tokens[("m", TokenType.Input)]);
    }

    [Fact]
    public void Huge_response_ids_and_model_names_keep_the_usage_file_readable()
    {
        var file = _dir.File("a1.usage");
        var totals = UsageTotals.Empty;
        for (var i = 0; i < 70; i++)
        {
            var line = ClaudeLines.Assistant(i + new string('i', 70_000), "模型" + new string('é', 200) + (i % 16), 1, 1);
            totals = totals.Add(ClaudeTranscript.Parse(Encoding.UTF8.GetBytes(line))!);
        }

        UsageFile.Write(file, totals, DateTimeOffset.UtcNow);
        var read = UsageFile.Read(file)!;

        Assert.True(new FileInfo(file).Length <= UsageFile.MaxBytes, $"{new FileInfo(file).Length} bytes");
        Assert.Equal(70, read.Responses);
        Assert.All(read.Recent, r => Assert.StartsWith("sha256:", r.Id));
    }

    [Fact]
    public async Task A_usage_file_with_duplicate_keys_is_read_not_thrown_and_the_usage_source_serves_the_other_agents()
    {
        var dir = _dir.File("hb");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "bad.usage"), """{"v":1,"responses":1,"recorded_cost_usd":{"m":1,"m":2},"tokens":[{"model":"m","type":"input","n":5}]}""");
        UsageFile.Write(Path.Combine(dir, "good.usage"), UsageTotals.Empty.Add(new ModelResponse("x", "m", 7, 0, 0, 0)), DateTimeOffset.UtcNow);
        File.WriteAllText(Path.Combine(dir, "junk.usage"), "{\"v\":1,\"tokens\":{");
        var roster = FleetExporter.Roster.RosterLoader.Parse($"heartbeat: {{ dir: {dir} }}\nagents:\n  - {{ name: bad, runtime: claude }}\n  - {{ name: good, runtime: claude }}\n  - {{ name: junk, runtime: claude }}\n", "u.yaml");

        var result = await FleetExporter.Sources.SourceRunner.RunAsync(new FleetExporter.Sources.Usage.UsageSource(), roster);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(2.0, result.Value!.ByAgent["bad"].Totals!.RecordedCostUsd["m"]);
        Assert.Equal(7, result.Value.ByAgent["good"].Totals!.Tokens[("m", TokenType.Input)]);
        Assert.Null(result.Value.ByAgent["junk"].Totals);
        Assert.Contains("junk.usage", result.Value.ByAgent["junk"].Problem);
    }

    [Fact]
    public void Counts_as_large_as_a_long_are_cut_and_totals_never_wrap()
    {
        var line = $"{{\"type\":\"assistant\",\"message\":{{\"id\":\"x\",\"model\":\"m\",\"usage\":{{\"input_tokens\":{long.MaxValue},\"output_tokens\":{long.MaxValue}}}}}}}";
        var r = ClaudeTranscript.Parse(Encoding.UTF8.GetBytes(line))!;
        var totals = UsageTotals.Empty.Add(r) with { Tokens = new Dictionary<(string, string), long> { [("m", "input")] = long.MaxValue - 5 } };

        totals = totals.Add(r with { Id = "y" });

        Assert.Equal(TranscriptJson.MaxCount, r.Input);
        Assert.Equal(long.MaxValue, totals.Tokens[("m", TokenType.Input)]);
        Assert.Equal(long.MaxValue, totals.TotalTokens);
    }

    [Fact]
    public void Codex_totals_whose_cached_count_falls_start_again_instead_of_counting_negative_cache_as_input()
    {
        var cursor = new TranscriptCursor { Model = "m", Cumulative = new CumulativeUsage(1000, 100, 800, 0, 0) };
        var line = """{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1100,"cached_input_tokens":50,"output_tokens":120,"reasoning_output_tokens":0}}}}""";

        var r = CodexRollout.Parse(Encoding.UTF8.GetBytes(line), cursor)!;

        Assert.Equal((1050L, 50L, 120L), (r.Input, r.CacheRead, r.Output));
    }
}
