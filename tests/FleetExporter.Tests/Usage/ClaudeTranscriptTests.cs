using System.Text;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

public sealed class ClaudeTranscriptTests
{
    private static ModelResponse? Parse(string line) => ClaudeTranscript.Parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void An_assistant_line_gives_its_response_id_model_and_every_kind_of_token()
    {
        var r = Parse(ClaudeLines.Assistant("msg_01", "claude-sonnet-4-5", input: 12, output: 345, cacheRead: 6789, cacheWrite: 1011));

        Assert.Equal(new ModelResponse("msg_01", "claude-sonnet-4-5", 12, 345, 6789, 1011), r);
        Assert.Equal(12 + 6789 + 1011, r!.Context);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"type\":\"assistant\",\"usage\":")]
    [InlineData("[\"assistant\",\"usage\"]")]
    [InlineData("{\"type\":\"summary\",\"summary\":\"assistant usage\"}")]
    [InlineData("{\"type\":\"assistant\",\"message\":{\"model\":\"m\",\"usage\":\"none\"}}")]
    [InlineData("{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":5}}}")]
    [InlineData("{\"type\":\"assistant\",\"message\":{\"model\":\"\\ud800\",\"usage\":{\"input_tokens\":5}}}")]
    public void A_line_that_is_no_response_gives_nothing(string line) => Assert.Null(Parse(line));

    [Fact]
    public void A_user_turn_that_quotes_a_response_is_no_response()
    {
        Assert.Null(Parse(ClaudeLines.User("the \"assistant\" said \"usage\": {\"input_tokens\": 5}")));
    }

    [Fact]
    public void An_API_error_written_as_a_synthetic_response_is_not_counted()
    {
        Assert.Null(Parse(ClaudeLines.ApiError("API Error: 529 overloaded")));
    }

    [Theory]
    [InlineData("-5", 0)]
    [InlineData("1.5", 0)]
    [InlineData("\"7\"", 0)]
    [InlineData("9223372036854775807", 1_000_000_000_000)]   // cut to TranscriptJson.MaxCount: totals never wrap
    public void A_count_that_is_not_a_whole_positive_number_counts_nothing(string value, long expected)
    {
        var r = Parse($"{{\"type\":\"assistant\",\"message\":{{\"id\":\"m\",\"model\":\"x\",\"usage\":{{\"input_tokens\":{value},\"output_tokens\":3}}}}}}");
        Assert.Equal((expected, 3L), (r!.Input, r.Output));
    }

    [Fact]
    public void A_response_without_an_id_is_known_by_its_request_id()
    {
        var r = Parse("{\"type\":\"assistant\",\"requestId\":\"req_9\",\"message\":{\"model\":\"x\",\"usage\":{\"output_tokens\":3}}}");
        Assert.Equal("req_9", r!.Id);
    }
}
