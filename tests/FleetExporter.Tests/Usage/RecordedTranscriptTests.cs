using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Usage;

namespace FleetExporter.Tests.Usage;

/// <summary>
/// Each runtime's parser and the hook's counting step over a session recorded from the real agent (Fixtures/README.md):
/// the tokens counted equal what the model stub sent for the conversation, as it logged them beside the transcript;
/// the turns, tool outcomes and API errors are the session's (hello, an approved tool call, a denied one where the
/// runtime asks, an API error, hello again).
/// </summary>
public sealed class RecordedTranscriptTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Fixture(string runtime, params string[] parts) =>
        RepoPaths.Of(["tests", "FleetExporter.Tests", "Usage", "Fixtures", runtime, .. parts]);

    public static TheoryData<string, long, long, long, long, long> Sessions => new()
    {
        // runtime, turns, api errors, succeeded, failed, denied
        // Claude Code: Stop ends hello, the tool's turn and hello again; the denial ends no turn; FAIL fires StopFailure.
        { "claude", 3, 1, 1, 0, 1 },
        // Codex: no Stop for the denied turn (aborted) nor for the failed one.
        { "codex", 3, 1, 1, 0, 1 },
        // Gemini CLI: AfterAgent also ends the failed turn; the denied one ends with "Request cancelled." and no AfterAgent.
        { "gemini", 4, 1, 1, 0, 1 },
        // pi asks no permission: its session has no denied call; agent_end ends every turn, the failed one too.
        { "pi", 4, 1, 1, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void A_recorded_session_counts_exactly_what_the_stub_sent_and_what_happened(string runtime, long turns, long apiErrors, long succeeded, long failed, long denied)
    {
        var totals = Replay(runtime, Transcripts(runtime));

        AssertTokens(runtime, totals);
        Assert.Equal((turns, apiErrors), (totals.Turns, totals.ApiErrors));
        Assert.Equal((succeeded, failed, denied),
            (totals.ToolCalls.GetValueOrDefault(ToolOutcome.Succeeded), totals.ToolCalls.GetValueOrDefault(ToolOutcome.Failed), totals.ToolCalls.GetValueOrDefault(ToolOutcome.Denied)));
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("codex")]
    [InlineData("gemini")]
    [InlineData("pi")]
    public void Every_line_written_twice_counts_once(string runtime)
    {
        var once = Replay(runtime, Transcripts(runtime));

        var twice = Replay(runtime, Transcripts(runtime).Select(lines => lines.SelectMany(l => new[] { l, l }).ToList()).ToList());

        Assert.Equal(once.Tokens, twice.Tokens);
        Assert.Equal((once.Responses, once.ApiErrors), (twice.Responses, twice.ApiErrors));
        Assert.Equal(once.ToolCalls, twice.ToolCalls);
    }

    /// <summary>Claude Code writes the tool call's response as two lines (its text, then its tool_use) with one id and one usage.</summary>
    [Fact]
    public void Claudes_response_written_as_one_line_per_block_counts_once()
    {
        var lines = Transcripts("claude")[0];
        var ids = lines.Select(l => ClaudeTranscript.Parse(System.Text.Encoding.UTF8.GetBytes(l))?.Id).OfType<string>().ToList();
        Assert.Contains(ids, id => ids.Count(i => i == id) > 1);   // the recording holds the case

        AssertTokens("claude", Replay("claude", Transcripts("claude")));
    }

    /// <summary>Gemini CLI rewrites a message under its id (the tool call's, once its calls ended): counted once, calls and all.</summary>
    [Fact]
    public void Gemini_CLIs_rewritten_message_counts_once()
    {
        var lines = Transcripts("gemini")[0];
        var ids = lines.Select(l => GeminiChat.Parse(System.Text.Encoding.UTF8.GetBytes(l))?.Id).OfType<string>().ToList();
        Assert.Contains(ids, id => ids.Count(i => i == id) > 1);   // the recording holds the case

        var totals = Replay("gemini", Transcripts("gemini"));

        AssertTokens("gemini", totals);
        Assert.Equal(1, totals.ToolCalls.GetValueOrDefault(ToolOutcome.Succeeded));
    }

    /// <summary>pi's own cost of each response, as it recorded it, is what is exported for pi.</summary>
    [Fact]
    public void Pis_recorded_cost_is_the_sum_of_its_responses_costs()
    {
        var lines = Transcripts("pi")[0];
        var expected = lines.Select(l => JsonNode.Parse(l)!).Where(n => (string?)n["message"]?["role"] == "assistant")
            .Sum(n => (double?)n["message"]?["usage"]?["cost"]?["total"] ?? 0);
        Assert.True(expected > 0, "the recording holds no cost");

        var totals = Replay("pi", Transcripts("pi"));

        Assert.Equal(expected, totals.RecordedCostUsd.Values.Sum(), 12);
    }

    /// <summary>
    /// The session as the hooks counted it: every recorded hook event applied, and each transcript read in small steps
    /// (each step's totals through the usage file, as from one hook to the next).
    /// </summary>
    private UsageTotals Replay(string runtime, IReadOnlyList<IReadOnlyList<string>> transcripts)
    {
        var format = TranscriptFormats.For(runtime)!;
        var root = Directory.CreateDirectory(_dir.File(runtime + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        string[] roots = [TranscriptCounter.ResolveRoot(root)!];
        var usage = Path.Combine(root, "a.usage");
        var totals = UsageTotals.Empty;
        foreach (var hook in Directory.GetFiles(Fixture(runtime, "hooks")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(hook)[3..];
            if (format.Events.TryGetValue(name, out var happened)) totals = totals.With(happened);
        }
        for (var i = 0; i < transcripts.Count; i++)
        {
            var file = Path.Combine(root, $"transcript-{i + 1}.jsonl");
            File.WriteAllText(file, string.Concat(transcripts[i].Select(l => l + "\n")));
            var length = new FileInfo(file).Length;
            while (totals.Transcripts.FirstOrDefault(t => t.Path == file)?.Offset != length)
            {
                totals = TranscriptCounter.Advance(totals, file, roots, format.Parse, budget: 2048, events: format.ReadEvents);
                Assert.Null(totals.Problem);
                UsageFile.Write(usage, totals, DateTimeOffset.UtcNow);
                totals = UsageFile.Read(usage)!;
            }
        }
        return totals;
    }

    private static IReadOnlyList<IReadOnlyList<string>> Transcripts(string runtime) =>
        [.. Directory.GetFiles(Fixture(runtime), "transcript-*.jsonl").Order(StringComparer.Ordinal)
            .Select(f => (IReadOnlyList<string>)File.ReadAllLines(f).Where(l => l.Length > 0).ToList())];

    /// <summary>The tokens of each kind, and the responses, equal what the stub sent for the conversation's requests.</summary>
    private static void AssertTokens(string runtime, UsageTotals totals)
    {
        var sent = File.ReadAllLines(Fixture(runtime, "stub-usage.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        // Claude Code's side requests (a title) carry no mark: the conversation's are the responses its transcript names.
        var text = string.Concat(Transcripts(runtime).SelectMany(t => t));
        var conversation = runtime == "claude"
            ? sent.Where(s => text.Contains((string)s["id"]!, StringComparison.Ordinal)).ToList()
            : sent.Where(s => (bool)s["conversation"]!).ToList();
        Assert.NotEmpty(conversation);
        foreach (var (type, field) in new[] { (TokenType.Input, "input"), (TokenType.Output, "output"), (TokenType.CacheRead, "cache_read"), (TokenType.CacheWrite, "cache_write"), (TokenType.Reasoning, "reasoning") })
            Assert.True(conversation.Sum(s => (long)s[field]!) == totals.Tokens.Where(kv => kv.Key.Type == type).Sum(kv => kv.Value),
                $"{runtime} {type}: sent {conversation.Sum(s => (long)s[field]!)}, counted {totals.Tokens.Where(kv => kv.Key.Type == type).Sum(kv => kv.Value)}");
        Assert.Equal(conversation.Count, totals.Responses);
    }
}
