using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

public sealed class UsageTotalsTests
{
    [Fact]
    public void A_response_written_as_several_lines_is_counted_once_and_the_context_is_the_last_requests()
    {
        var totals = UsageTotals.Empty
            .Add(new ModelResponse("msg_1", "m", 10, 5, 100, 50))
            .Add(new ModelResponse("msg_1", "m", 10, 5, 100, 50))
            .Add(new ModelResponse("msg_2", "m", 3, 7, 160, 0));

        Assert.Equal(2, totals.Responses);
        Assert.Equal(13, totals.Tokens[("m", TokenType.Input)]);
        Assert.Equal(12, totals.Tokens[("m", TokenType.Output)]);
        Assert.Equal(260, totals.Tokens[("m", TokenType.CacheRead)]);
        Assert.Equal(50, totals.Tokens[("m", TokenType.CacheWrite)]);
        Assert.Equal(("m", 163L), totals.Context);
    }

    [Fact]
    public void A_response_rewritten_as_it_grows_adds_only_what_it_grew_by_and_stays_one_response()
    {
        var totals = UsageTotals.Empty
            .Add(new ModelResponse("g1", "m", 100, 5, 10, 0, 1))
            .Add(new ModelResponse("g1", "m", 100, 40, 10, 0, 6))
            .Add(new ModelResponse("g1", "m", 100, 40, 10, 0, 6))
            .Add(new ModelResponse("g1", "m", 90, 30, 10, 0, 2));   // an older version seen late adds nothing

        Assert.Equal(1, totals.Responses);
        Assert.Equal((100L, 40L, 10L, 6L), (totals.Tokens[("m", TokenType.Input)], totals.Tokens[("m", TokenType.Output)],
            totals.Tokens[("m", TokenType.CacheRead)], totals.Tokens[("m", TokenType.Reasoning)]));
    }

    [Fact]
    public void Past_the_model_cap_a_new_model_counts_as_other_and_the_known_ones_go_on()
    {
        var totals = UsageTotals.Empty;
        for (var i = 0; i < UsageTotals.MaxModels; i++) totals = totals.Add(new ModelResponse($"a{i}", $"model-{i}", 1, 1, 0, 0));
        totals = totals.Add(new ModelResponse("b1", "model-new", 4, 0, 0, 0)).Add(new ModelResponse("b2", "model-0", 2, 0, 0, 0));

        Assert.Equal(UsageTotals.MaxModels + 1, totals.Tokens.Keys.Select(k => k.Model).Distinct().Count());
        Assert.Equal(4, totals.Tokens[(UsageTotals.OtherModel, TokenType.Input)]);
        Assert.Equal(3, totals.Tokens[("model-0", TokenType.Input)]);
    }

    [Fact]
    public void Only_the_last_ids_are_kept_so_the_file_stays_small()
    {
        var totals = UsageTotals.Empty;
        for (var i = 0; i < 200; i++) totals = totals.Add(new ModelResponse($"id{i}", "m", 1, 0, 0, 0));

        Assert.Equal(UsageTotals.MaxRecentIds, totals.Recent.Count);
        Assert.Equal("id199", totals.Recent[0].Id);
        Assert.Equal(200, totals.Tokens[("m", TokenType.Input)]);
    }

    [Fact]
    public void The_file_gives_back_what_was_written()
    {
        using var dir = new Infrastructure.TempDirectory();
        var totals = UsageTotals.Empty.Add(new ModelResponse("msg_1", "claude-x", 10, 5, 100, 50)).Add(new ModelResponse("msg_2", "gpt-y", 1, 2, 3, 4))
            with { Transcripts = [new TranscriptPosition("/t/a.jsonl", 42, 1234)], Problem = "p" };
        var file = dir.File("a1.usage");

        UsageFile.Write(file, totals, DateTimeOffset.UtcNow);
        var read = UsageFile.Read(file)!;

        Assert.Equal(totals.Tokens.OrderBy(t => t.Key).ToList(), read.Tokens.OrderBy(t => t.Key).ToList());
        Assert.Equal((totals.Responses, totals.Context, totals.Problem), (read.Responses, read.Context, read.Problem));
        Assert.Equal(totals.Transcripts, read.Transcripts);
        Assert.Equal(totals.Recent.Select(r => (r.Id, r.Model, r.Input, r.Output, r.CacheRead, r.CacheWrite, r.Reasoning)),
            read.Recent.Select(r => (r.Id, r.Model, r.Input, r.Output, r.CacheRead, r.CacheWrite, r.Reasoning)));
        Assert.Null(UsageFile.Read(dir.File("none.usage")));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"v\":2}")]
    [InlineData("[1,2]")]
    public void A_file_that_is_no_usage_file_is_refused_with_its_name(string content)
    {
        using var dir = new Infrastructure.TempDirectory();
        var file = dir.Write("a1.usage", content);
        var e = Assert.Throws<UsageFileException>(() => UsageFile.Read(file));
        Assert.StartsWith(file, e.Message);
    }
}
