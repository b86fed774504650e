using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Records, for the usage parsers' tests, one session of each real agent into tests/FleetExporter.Tests/Usage/Fixtures/&lt;runtime&gt;:
/// its transcript(s) as the runtime wrote them, what the stub sent (<c>stub-usage.jsonl</c>) and every hook payload
/// (<c>hooks/</c>). The session: <c>hello</c>, an approved tool call, a denied one (where the runtime asks), an API
/// error (the stub's <c>FAIL</c>) and <c>hello</c> again.
/// </summary>
public sealed partial class FixtureRecording
{
    public static string UsageFixturesDirectory { get; } = RepoPaths.Of("tests", "FleetExporter.Tests", "Usage", "Fixtures");

    [RecordFixturesFact("claude")]
    public Task Record_Claude_Codes_usage() => RecordUsage(AgentRuntime.Claude, "Stop", "Do you want to proceed?");

    [RecordFixturesFact("codex")]
    public Task Record_Codexs_usage() => RecordUsage(AgentRuntime.Codex, "Stop", "Would you like to run the following command?");

    [RecordFixturesFact("gemini")]
    public Task Record_Gemini_CLIs_usage() => RecordUsage(AgentRuntime.Gemini, "AfterAgent", "Allow execution of");

    [RecordFixturesFact("pi")]
    public Task Record_pis_usage() => RecordUsage(AgentRuntime.Pi, "agent_end", null);

    private static async Task RecordUsage(AgentRuntime runtime, string turnEnd, string? dialog)
    {
        using var temp = new TempDirectory();
        await using var tmux = new TmuxServer();
        var hooks = Directory.CreateDirectory(temp.File("recorded-hooks")).FullName;
        await using var agent = await RealAgent.StartAsync(runtime, tmux, temp, RecorderOptions(runtime, hooks));

        await agent.SubmitAsync("hello");
        await WaitForHooksAsync(hooks, turnEnd, 1, TimeSpan.FromSeconds(40));
        await agent.SubmitAsync("TOOL:touch x");
        if (dialog is not null) await agent.AnswerAsync(dialog, "Enter");
        await WaitForHooksAsync(hooks, turnEnd, 2, TimeSpan.FromSeconds(40));
        if (dialog is not null)
        {
            await agent.SubmitAsync("TOOL:touch y");
            await agent.AnswerAsync(dialog, "Escape");
            await agent.WaitForReadyAgainAsync();
        }
        var requests = agent.ModelRequests().Count;
        await agent.SubmitAsync("FAIL");
        await TmuxServer.EventuallyAsync(() => Task.FromResult(agent.ModelRequests().Skip(requests).Any(IsFail)), TimeSpan.FromSeconds(30));
        await Task.Delay(3000);
        await agent.WaitForReadyAgainAsync();
        var turns = Directory.GetFiles(hooks, $"*-{turnEnd}.json").Length;
        await agent.SubmitAsync("hello again");
        await WaitForHooksAsync(hooks, turnEnd, turns + 1, TimeSpan.FromSeconds(40));
        await Task.Delay(1000);

        SaveUsage(runtime, agent.Paths, hooks);
    }

    private static bool IsFail(System.Text.Json.Nodes.JsonObject request) => request.ToJsonString().Contains("FAIL", StringComparison.Ordinal);

    private static void SaveUsage(AgentRuntime runtime, AgentPaths paths, string hooks)
    {
        var dir = Path.Combine(UsageFixturesDirectory, runtime.Name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(Path.Combine(dir, "hooks"));
        var recorded = Directory.GetFiles(hooks).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < recorded.Count; i++)
        {
            var name = recorded[i]!;
            File.Copy(Path.Combine(hooks, name), Path.Combine(dir, "hooks", $"{i + 1:00}-{name[(name.IndexOf('-') + 1)..]}"));
        }
        var transcripts = paths.Transcripts(runtime);
        Assert.NotEmpty(transcripts);
        for (var i = 0; i < transcripts.Count; i++) File.Copy(transcripts[i], Path.Combine(dir, $"transcript-{i + 1}.jsonl"));
        File.Copy(paths.StubLog + ".usage", Path.Combine(dir, "stub-usage.jsonl"));
    }
}
