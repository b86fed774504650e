using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Records the hook payloads and screens of each real agent into tests/FleetExporter.Tests/Agents/Fixtures, for
/// the pure-logic tests: <c>FLEET_RECORD_FIXTURES=1 tests/run.sh --filter "FullyQualifiedName~FixtureRecording"</c>.
/// </summary>
public sealed partial class FixtureRecording
{
    public static string FixturesDirectory { get; } = RepoPaths.Of("tests", "FleetExporter.Tests", "Agents", "Fixtures");

    private static readonly Regex OkLine = new(@"^\W*ok\s*$", RegexOptions.Multiline);

    private static readonly Regex DoneLine = new(@"^\W*done\s*$", RegexOptions.Multiline);

    [RecordFixturesFact("claude")]
    public Task Record_Claude_Code() => Record(AgentRuntime.Claude, "Stop", "Do you want to proceed?", "esc to interrupt");

    [RecordFixturesFact("codex")]
    public Task Record_Codex() => Record(AgentRuntime.Codex, "Stop", "Would you like to run the following command?", "esc to interrupt");

    [RecordFixturesFact("gemini")]
    public Task Record_Gemini_CLI() => Record(AgentRuntime.Gemini, "AfterAgent", "Allow execution of", "esc to cancel");

    /// <summary>pi asks no permission before a tool: it has no waiting screen.</summary>
    [RecordFixturesFact("pi")]
    public Task Record_pi() => Record(AgentRuntime.Pi, "agent_end", null, "Working");

    private static async Task Record(AgentRuntime runtime, string turnEnd, string? waiting, string working)
    {
        using var temp = new TempDirectory();
        await using var tmux = new TmuxServer();
        var hooks = Directory.CreateDirectory(temp.File("recorded-hooks")).FullName;
        var screens = new Dictionary<string, string>();

        await using (var agent = await RealAgent.StartAsync(runtime, tmux, temp, RecorderOptions(runtime, hooks)))
        {
            screens["idle"] = await agent.CaptureAsync();

            await agent.SubmitAsync("hello");
            await agent.WaitForScreenAsync(OkLine, TimeSpan.FromSeconds(30), "the stub's \"ok\"");
            await WaitForHooksAsync(hooks, turnEnd, 1);
            await Task.Delay(1000);
            screens["finished"] = await agent.CaptureAsync();

            await agent.SubmitAsync("TOOL:touch x");
            if (waiting is not null)
            {
                screens["waiting"] = await agent.WaitForTextAsync(waiting, TimeSpan.FromSeconds(30));
                // Claude Code tells a Notification (permission_prompt) about 6 s into the prompt: let it come.
                if (runtime == AgentRuntime.Claude) await WaitForHooksAsync(hooks, "Notification", 1, TimeSpan.FromSeconds(15));
                await Task.Delay(1000);
                await agent.PressAsync("Enter");
            }
            await agent.WaitForScreenAsync(DoneLine, TimeSpan.FromSeconds(30), "the stub's \"done\"");
            await WaitForHooksAsync(hooks, turnEnd, 2);
            Assert.True(File.Exists(Path.Combine(agent.Paths.Work, "x")), "the approved tool call made no file");

            const string draft = "a draft, not sent";
            await agent.TypeAsync(draft);
            await Task.Delay(1000);
            screens["draft"] = await agent.CaptureAsync();
            await agent.PressAsync([.. Enumerable.Repeat("BSpace", draft.Length)]);
            await Task.Delay(500);

            await agent.ExitAsync();
            await Task.Delay(2000);
            screens["exited"] = await agent.CaptureAsync();
        }

        // Working: a session of its own, so that the hook recording above stays one plain story.
        await using (var agent = await RealAgent.StartAsync(runtime, tmux, temp, new RealAgentOptions { Session = "working" }))
        {
            await agent.SubmitAsync("HANG");
            await agent.WaitForTextAsync(working, TimeSpan.FromSeconds(30));
            await Task.Delay(2000);
            screens["working"] = await agent.CaptureAsync();
        }

        Save(runtime, hooks, screens);
    }

    private static RealAgentOptions RecorderOptions(AgentRuntime runtime, string hooks)
    {
        if (runtime == AgentRuntime.Pi)
            return new RealAgentOptions
            {
                Extensions = new Dictionary<string, string> { ["recorder.ts"] = File.ReadAllText(RealAgent.PiRecorderExtension) },
                Environment = new Dictionary<string, string> { ["FLEET_RECORD_DIR"] = hooks },
            };
        var config = new JsonObject();
        foreach (var name in runtime.HookEvents)
            config[name] = new JsonArray(new JsonObject
            {
                ["hooks"] = new JsonArray(new JsonObject
                {
                    ["type"] = "command",
                    ["command"] = $"cat > {hooks}/$(date +%s%N)-{name}.json",
                }),
            });
        return new RealAgentOptions { Hooks = config };
    }

    private static async Task WaitForHooksAsync(string dir, string hookEvent, int count, TimeSpan? within = null)
    {
        var held = await TmuxServer.EventuallyAsync(
            () => Task.FromResult(Directory.GetFiles(dir, $"*-{hookEvent}.json").Length >= count), within ?? TimeSpan.FromSeconds(20));
        Assert.True(held, $"{count} × {hookEvent} not recorded; recorded: {string.Join(", ", Directory.GetFiles(dir).Select(Path.GetFileName))}");
    }

    private static void Save(AgentRuntime runtime, string hooks, Dictionary<string, string> screens)
    {
        var hookFixtures = Path.Combine(FixturesDirectory, "hooks", runtime.Name);
        if (Directory.Exists(hookFixtures)) Directory.Delete(hookFixtures, recursive: true);
        Directory.CreateDirectory(hookFixtures);
        var recorded = Directory.GetFiles(hooks).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < recorded.Count; i++)
        {
            var name = recorded[i]!;
            var hookEvent = name[(name.IndexOf('-') + 1)..^".json".Length];
            File.Copy(Path.Combine(hooks, name), Path.Combine(hookFixtures, $"{i + 1:00}-{hookEvent}.json"));
        }

        var screenFixtures = Directory.CreateDirectory(Path.Combine(FixturesDirectory, "screens")).FullName;
        foreach (var (state, text) in screens) File.WriteAllText(Path.Combine(screenFixtures, $"{runtime.Name}-{state}.txt"), text);
    }
}
