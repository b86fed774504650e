using System.Text;
using System.Text.Json;
using FleetExporter.Agents.State;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;
using static FleetExporter.Tests.RealAgents.SendToRealAgentTests;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Long messages arrive whole, are submitted once and are acknowledged, up to the 16 KiB `send` takes: Claude Code
/// gets them as pieces it takes as typed text (one paste over 800 characters becomes "[Pasted text #1]"), Codex and
/// Gemini CLI as one bracketed paste (typed as keys, Codex stopped reading after 2048 of them).
/// </summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class LongMessageTests(ITestOutputHelper output)
{
    [RealAgentFact("claude")]
    public Task Claude_Code_acknowledges_3_KB_and_16_KiB_messages() => AcknowledgesLongMessages(AgentRuntime.Claude);

    [RealAgentFact("codex")]
    public Task Codex_acknowledges_3_KB_and_16_KiB_messages() => AcknowledgesLongMessages(AgentRuntime.Codex);

    [RealAgentFact("gemini")]
    public Task Gemini_CLI_acknowledges_3_KB_and_16_KiB_messages() => AcknowledgesLongMessages(AgentRuntime.Gemini);

    /// <summary>3 KB on one line, then 16 000 bytes over 300 lines with non-ASCII text.</summary>
    private static IEnumerable<string> Messages()
    {
        yield return "three kilobytes on one line: " + string.Join(' ', Enumerable.Range(0, 330).Select(i => $"w{i:000}-abc"));
        var lines = new StringBuilder("sixteen kilobytes over many lines, héllo ✓ naïve café");
        for (var i = 1; Encoding.UTF8.GetByteCount(lines.ToString()) < 15_900; i++)
            lines.Append($"\nline {i:000}: é✓ the quick brown fox jumps over the lazy dog");
        yield return lines.ToString();
    }

    private async Task AcknowledgesLongMessages(AgentRuntime runtime)
    {
        await using var rig = await HookedAgent.StartAsync(runtime, output);
        await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle");

        foreach (var message in Messages())
        {
            var r = await SendAsync(rig, message, "--verify-timeout", "30000");
            var what = $"{Encoding.UTF8.GetByteCount(message)} bytes";
            Assert.True(Verdict(r) == ("acknowledged", 0), $"{what}: {r.StandardError}\nscreen:\n{await rig.Agent.CaptureAsync()}");
            output.WriteLine($"{runtime}: {what} acknowledged after {Json(r).GetProperty("elapsed_ms").GetDouble()} ms");
            // The model receives the whole text once, not a placeholder or a part.
            var quoted = JsonSerializer.Serialize(message)[1..^1];
            await rig.UntilAsync(_ => rig.Agent.ModelRequests().Any(q => q["body"]!.ToJsonString().Contains(quoted, StringComparison.Ordinal)),
                $"the {what} reaching the model whole", TimeSpan.FromSeconds(30));
            await rig.UntilAsync(a => a.State.Name == AgentStateName.Idle, "idle after the answer", TimeSpan.FromSeconds(40));
            Assert.DoesNotContain("[Pasted", await rig.Agent.CaptureAsync());
        }
    }
}
