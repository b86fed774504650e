using System.Text;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>What a transcript line says happened (denied tool calls, API errors), read apart from what only looks like it.</summary>
public sealed class TranscriptEventsTests
{
    private static IReadOnlyList<TranscriptEvent> Read(TranscriptEventParser parse, string line) => parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void A_Claude_Code_tool_call_the_user_rejected_is_denied_once_by_its_tool_use_id()
    {
        const string line = """{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"The user doesn't want to proceed","is_error":true,"tool_use_id":"toolu_6"}]},"uuid":"u1","toolUseResult":"User rejected tool use","toolDenialKind":"user-rejected"}""";

        Assert.Equal([new TranscriptEvent(UsageEvent.ToolDenied, "toolu_6")], Read(TranscriptEvents.Claude, line));
        // A tool call that failed by itself is no denial (PostToolUseFailure counts it).
        Assert.Empty(Read(TranscriptEvents.Claude, line.Replace(",\"toolDenialKind\":\"user-rejected\"", "")));
    }

    [Theory]
    [InlineData("Wall time: 2.1 seconds\\naborted by user", true)]
    [InlineData("exec command rejected by user", true)]
    [InlineData("Wall time: 9 seconds\\naborted by user after 9s", false)]   // interrupted while it ran: no denial
    [InlineData("Process exited with code 0\\nOutput:\\n", false)]
    public void A_Codex_command_declined_at_its_approval_is_denied_and_one_interrupted_while_running_is_not(string output, bool denied)
    {
        var line = $$$"""{"type":"response_item","payload":{"type":"function_call_output","call_id":"call_14","output":"{{{output}}}"}}""";

        Assert.Equal(denied ? [new TranscriptEvent(UsageEvent.ToolDenied, "call_14")] : [], Read(TranscriptEvents.Codex, line));
    }

    [Fact]
    public void A_Codex_turn_that_completed_with_an_error_is_an_API_error_and_one_without_is_not()
    {
        const string failed = """{"type":"event_msg","payload":{"type":"task_complete","turn_id":"t1","last_agent_message":null,"error":{"message":"stub: FAIL","codex_error_info":"other"}}}""";
        const string fine = """{"type":"event_msg","payload":{"type":"task_complete","turn_id":"t2","last_agent_message":"ok","error":null}}""";

        Assert.Equal([new TranscriptEvent(UsageEvent.ApiError, "t1")], Read(TranscriptEvents.Codex, failed));
        Assert.Empty(Read(TranscriptEvents.Codex, fine));
    }

    [Fact]
    public void Gemini_CLIs_tool_calls_count_by_status_and_a_cancel_counts_as_denied_only_when_the_user_denied_it()
    {
        const string line = """
            {"id":"m1","type":"gemini","tokens":{"input":1},"toolCalls":[
              {"id":"a","status":"success","result":[]},
              {"id":"b","status":"error","result":[]},
              {"id":"c","status":"cancelled","result":[{"functionResponse":{"response":{"error":"[Operation Cancelled] Reason: User denied execution."}}}]},
              {"id":"d","status":"cancelled","result":[{"functionResponse":{"response":{"error":"[Operation Cancelled] Reason: User cancelled"}}}]}]}
            """;

        Assert.Equal([new(UsageEvent.ToolSucceeded, "a"), new(UsageEvent.ToolFailed, "b"), new TranscriptEvent(UsageEvent.ToolDenied, "c")],
            Read(TranscriptEvents.Gemini, line.ReplaceLineEndings("")));
    }

    [Fact]
    public void A_Gemini_CLI_API_error_line_is_an_API_error_and_other_error_lines_are_not()
    {
        Assert.Equal([new TranscriptEvent(UsageEvent.ApiError, "e1")],
            Read(TranscriptEvents.Gemini, """{"id":"e1","type":"error","content":"[API Error: {\"error\":{\"code\":400}}]"}"""));
        Assert.Empty(Read(TranscriptEvents.Gemini, """{"id":"e2","type":"error","content":"Could not read file"}"""));
        Assert.Empty(Read(TranscriptEvents.Gemini, """{"id":"i1","type":"info","content":"[API Error: no]"}"""));
    }

    [Fact]
    public void A_pi_request_that_failed_is_an_API_error_and_no_response_while_an_aborted_one_is_neither_error()
    {
        const string failed = """{"type":"message","id":"p1","message":{"role":"assistant","content":[],"model":"m","usage":{"input":0,"output":0,"cacheRead":0,"cacheWrite":0},"stopReason":"error","errorMessage":"400"}}""";
        const string aborted = """{"type":"message","id":"p2","message":{"role":"assistant","content":[],"model":"m","usage":{"input":5,"output":1,"cacheRead":0,"cacheWrite":0},"stopReason":"aborted"}}""";

        Assert.Equal([new TranscriptEvent(UsageEvent.ApiError, "p1")], Read(TranscriptEvents.Pi, failed));
        Assert.Null(PiSession.Parse(Encoding.UTF8.GetBytes(failed)));
        Assert.Empty(Read(TranscriptEvents.Pi, aborted));
        Assert.NotNull(PiSession.Parse(Encoding.UTF8.GetBytes(aborted)));
    }

    [Fact]
    public void A_pi_tool_result_is_a_call_that_succeeded_or_failed()
    {
        static string Result(string id, bool error) =>
            $$$"""{"type":"message","id":"r{{{id}}}","message":{"role":"toolResult","toolCallId":"{{{id}}}","toolName":"bash","content":[],"isError":{{{(error ? "true" : "false")}}}}}""";

        Assert.Equal([new TranscriptEvent(UsageEvent.ToolSucceeded, "t1")], Read(TranscriptEvents.Pi, Result("t1", false)));
        Assert.Equal([new TranscriptEvent(UsageEvent.ToolFailed, "t2")], Read(TranscriptEvents.Pi, Result("t2", true)));
    }

    [Fact]
    public void An_event_counts_once_by_its_id_and_the_ids_carry_over_through_the_usage_file()
    {
        var denied = new TranscriptEvent(UsageEvent.ToolDenied, "c");
        var once = UsageTotals.Empty.With(denied);
        using var dir = new Infrastructure.TempDirectory();
        var file = dir.File("a.usage");
        UsageFile.Write(file, once, DateTimeOffset.UtcNow);

        var again = UsageFile.Read(file)!.With(denied).With(new TranscriptEvent(UsageEvent.ApiError, null)).With(new TranscriptEvent(UsageEvent.ApiError, null));

        Assert.Equal(1, again.ToolCalls[ToolOutcome.Denied]);
        Assert.Equal(2, again.ApiErrors);   // without an id, each one counts
    }
}
