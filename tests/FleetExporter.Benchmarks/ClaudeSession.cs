using System.Globalization;
using System.Text;

namespace FleetExporter.Benchmarks;

/// <summary>
/// A Claude Code transcript as version 2.1 writes one (JSONL): each turn is the user's line, then the response as
/// one line per content block (thinking, text, a Bash tool use), each repeating its <c>message.id</c>,
/// <c>requestId</c> and <c>message.usage</c>, then the tool's result as a user line of a few KB. The usage grows
/// with the context, as a long session's does. Every line is the same for every agent, so a fleet's transcripts
/// can share one buffer and still each be a file of its own.
/// </summary>
internal static class ClaudeSession
{
    public const string Model = "claude-opus-4-5";

    /// <summary>Whole turns, from the first, until at least <paramref name="bytes"/> are written.</summary>
    public static byte[] Transcript(long bytes)
    {
        var buffer = new MemoryStream((int)Math.Min(int.MaxValue, bytes + 64 * 1024));
        for (var turn = 0; buffer.Length < bytes; turn++)
        {
            var text = Turn(turn);
            buffer.Write(Encoding.UTF8.GetBytes(text));
        }
        return buffer.ToArray();
    }

    /// <summary>Turn <paramref name="turn"/>'s lines (one response of the model), each ending in a newline.</summary>
    public static string Turn(int turn)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"msg_01Bench{turn:D7}");
        var usage = string.Create(CultureInfo.InvariantCulture,
            $$"""{"input_tokens":{{3 + turn % 7}},"cache_creation_input_tokens":{{600 + 37 * (turn % 11)}},"cache_read_input_tokens":{{12000 + 40 * (turn % 4000)}},"output_tokens":{{150 + turn % 300}},"service_tier":"standard"}""");
        var lines = new StringBuilder();
        lines.Append(Line(turn, 0, "user", $$"""{"role":"user","content":"step {{turn}}: run the tests and fix what fails"}""", null));
        foreach (var (block, n) in new[] { ("""{"type":"thinking","thinking":"The tests name the failing case; read it first, then run them again.","signature":"EqQBCkYIBxgCKkB"}""", 1),
                                           ("""{"type":"text","text":"Running the tests again after the fix."}""", 2),
                                           ($$$"""{"type":"tool_use","id":"toolu_{{{id}}}","name":"Bash","input":{"command":"dotnet test --filter Bench","description":"Run the tests"}}""", 3) })
            lines.Append(Line(turn, n, "assistant",
                $$"""{"id":"{{id}}","type":"message","role":"assistant","model":"{{Model}}","content":[{{block}}],"stop_reason":null,"stop_sequence":null,"usage":{{usage}}}""",
                "req_" + id));
        var output = new string('x', 2000 + 97 * (turn % 60));
        lines.Append(Line(turn, 4, "user", $$"""{"role":"user","content":[{"tool_use_id":"toolu_{{id}}","type":"tool_result","content":"{{output}}","is_error":false}]}""", null));
        return lines.ToString();
    }

    private static string Line(int turn, int n, string type, string message, string? requestId) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"parentUuid":"00000000-0000-4000-8000-{{turn:D7}}{{n:D5}}","isSidechain":false,"userType":"external","cwd":"/work/project","sessionId":"5b1c1e2a-0000-4000-8000-000000000001","version":"2.1.328",{{(requestId is null ? "" : $"\"requestId\":\"{requestId}\",")}}"type":"{{type}}","message":{{message}},"uuid":"00000000-0000-4000-9000-{{turn:D7}}{{n:D5}}","timestamp":"2026-12-06T10:{{turn / 60 % 60:D2}}:{{turn % 60:D2}}.000Z"}""") + "\n";
}
