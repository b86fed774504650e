using System.Text;
using System.Text.Json;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>Gemini CLI chat lines, shaped as gemini-cli 0.61 writes them (recorded against the model stub).</summary>
public sealed class GeminiChatTests
{
    private static string Gemini(string id, long input, long output, long cached, long thoughts, long tool = 0, string model = "gemini-3.8-flash") =>
        JsonSerializer.Serialize(new
        {
            id, timestamp = "2026-12-06T11:36:51.436Z", type = "gemini", content = "ok", thoughts = Array.Empty<object>(),
            tokens = new { input, output, cached, thoughts, tool, total = input + output + thoughts }, model,
        });

    private static ModelResponse? Parse(string line) => GeminiChat.Parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void A_gemini_line_gives_disjoint_kinds_its_prompt_holds_its_cached_tokens_and_tool_prompts_are_input()
    {
        var r = Parse(Gemini("g1", input: 136, output: 11, cached: 22, thoughts: 4, tool: 5))!;

        Assert.Equal(("g1", "gemini-3.8-flash", 136 - 22 + 5L, 11L, 22L, 0L, 4L), (r.Id, r.Model, r.Input, r.Output, r.CacheRead, r.CacheWrite, r.Reasoning));
    }

    [Theory]
    [InlineData("{\"id\":\"u1\",\"type\":\"user\",\"content\":[{\"text\":\"\\\"gemini\\\" \\\"tokens\\\"\"}]}")]
    [InlineData("{\"$set\":{\"messages\":[{\"id\":\"g0\",\"type\":\"gemini\",\"tokens\":{\"input\":5}}]}}")]
    [InlineData("{\"sessionId\":\"s\",\"kind\":\"main\"}")]
    [InlineData("\"gemini\" \"tokens\" not json")]
    public void Lines_that_are_no_new_model_message_give_nothing(string line) => Assert.Null(Parse(line));

    [Fact]
    public void A_message_rewritten_under_its_id_as_it_grows_counts_its_last_version_once()
    {
        var totals = new[] { Gemini("g1", 100, 5, 0, 0), Gemini("g1", 100, 50, 0, 3), Gemini("g2", 120, 7, 100, 0) }
            .Select(Parse).OfType<ModelResponse>().Aggregate(UsageTotals.Empty, (t, r) => t.Add(r));

        Assert.Equal(2, totals.Responses);
        Assert.Equal(100 + 20, totals.Tokens[("gemini-3.8-flash", TokenType.Input)]);
        Assert.Equal(57, totals.Tokens[("gemini-3.8-flash", TokenType.Output)]);
        Assert.Equal(3, totals.Tokens[("gemini-3.8-flash", TokenType.Reasoning)]);
    }
}

/// <summary>pi session lines, shaped as pi-coding-agent 0.73 writes them (recorded against the model stub).</summary>
public sealed class PiSessionTests
{
    private const string Response = """{"type":"message","id":"0e941f0d","parentId":"88cabf07","timestamp":"2026-12-06T12:08:32.014Z","message":{"role":"assistant","content":[{"type":"text","text":"ok"}],"api":"anthropic-messages","provider":"stub","model":"stub-model","usage":{"input":107,"output":8,"cacheRead":11,"cacheWrite":13,"totalTokens":139,"cost":{"input":0.000321,"output":0.00012,"cacheRead":0.0000033,"cacheWrite":0.00004875,"total":0.00049305}},"stopReason":"stop","timestamp":1796558911919,"responseId":"msg_000001"}}""";

    [Fact]
    public void An_assistant_message_gives_its_tokens_and_pis_own_cost_which_is_used_instead_of_a_price()
    {
        var r = FleetExporter.Usage.PiSession.Parse(Encoding.UTF8.GetBytes(Response))!;
        Assert.Equal(("msg_000001", "stub-model", 107L, 8L, 11L, 13L, 0.00049305), (r.Id, r.Model, r.Input, r.Output, r.CacheRead, r.CacheWrite, r.RecordedCostUsd!.Value));

        var totals = UsageTotals.Empty.Add(r).Add(r);
        Assert.Equal(0.00049305, PriceTable.Default.Cost(totals, "stub-model")!.Value, 12);
    }

    [Theory]
    [InlineData("""{"type":"message","message":{"role":"user","content":[{"type":"text","text":"\"assistant\" \"usage\""}]}}""")]
    [InlineData("""{"type":"model_change","provider":"stub","modelId":"stub-model"}""")]
    [InlineData("""{"type":"message","message":{"role":"assistant","model":"m"}}""")]
    public void Lines_that_are_no_assistant_message_with_usage_give_nothing(string line) =>
        Assert.Null(FleetExporter.Usage.PiSession.Parse(Encoding.UTF8.GetBytes(line)));
}
