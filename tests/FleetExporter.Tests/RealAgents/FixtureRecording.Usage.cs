using System.Text.RegularExpressions;
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
        if (dialog is not null) await AnswerAsync(agent, dialog, "Enter");
        await WaitForHooksAsync(hooks, turnEnd, 2, TimeSpan.FromSeconds(40));
        if (dialog is not null)
        {
            await agent.SubmitAsync("TOOL:touch y");
            await AnswerAsync(agent, dialog, "Escape");
            await WaitForReadyAsync(agent);
        }
        var requests = agent.ModelRequests().Count;
        await agent.SubmitAsync("FAIL");
        await TmuxServer.EventuallyAsync(() => Task.FromResult(agent.ModelRequests().Skip(requests).Any(IsFail)), TimeSpan.FromSeconds(30));
        await Task.Delay(3000);
        await WaitForReadyAsync(agent);
        var turns = Directory.GetFiles(hooks, $"*-{turnEnd}.json").Length;
        await agent.SubmitAsync("hello again");
        await WaitForHooksAsync(hooks, turnEnd, turns + 1, TimeSpan.FromSeconds(40));
        await Task.Delay(1000);

        SaveUsage(runtime, agent.Paths, hooks);
    }

    private static bool IsFail(System.Text.Json.Nodes.JsonObject request) => request.ToJsonString().Contains("FAIL", StringComparison.Ordinal);

    /// <summary>Answers the permission dialog with <paramref name="key"/> (Enter approves, Escape denies), again while it stays up.</summary>
    internal static async Task AnswerAsync(RealAgent agent, string dialog, string key)
    {
        await agent.WaitForTextAsync(dialog, TimeSpan.FromSeconds(30));
        for (var attempt = 0; attempt < 4 && (await agent.CaptureAsync()).Contains(dialog, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(1000);   // a dialog ignores keys for a moment after it is drawn
            await agent.PressAsync(key);
            await TmuxServer.EventuallyAsync(async () => !(await agent.CaptureAsync()).Contains(dialog, StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        }
    }

    /// <summary>Waits until the agent shows its prompt again, not working (pi, which shows no marker for it: a pause).</summary>
    internal static async Task WaitForReadyAsync(RealAgent agent)
    {
        await Task.Delay(1500);
        if (agent.Runtime == AgentRuntime.Pi) return;
        await TmuxServer.EventuallyAsync(async () =>
        {
            var screen = await agent.CaptureAsync();
            return !Regex.IsMatch(screen, "esc to (interrupt|cancel)") && agent.Runtime.Ready.IsMatch(screen);
        }, TimeSpan.FromSeconds(30));
    }

    /// <summary>Every transcript the runtime wrote in this agent's directories, oldest first.</summary>
    internal static IReadOnlyList<string> Transcripts(AgentRuntime runtime, AgentPaths paths)
    {
        var (root, pattern) = runtime.Name switch
        {
            "claude" => (Path.Combine(paths.Home, ".claude", "projects"), "*.jsonl"),
            "codex" => (Path.Combine(paths.CodexHome, "sessions"), "rollout-*.jsonl"),
            "gemini" => (Path.Combine(paths.Home, ".gemini", "tmp"), "session-*.json*"),
            _ => (Path.Combine(paths.Home, ".pi", "agent", "sessions"), "*.jsonl"),
        };
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories).OrderBy(File.GetLastWriteTimeUtc)]
            : [];
    }

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
        var transcripts = Transcripts(runtime, paths);
        Assert.NotEmpty(transcripts);
        for (var i = 0; i < transcripts.Count; i++) File.Copy(transcripts[i], Path.Combine(dir, $"transcript-{i + 1}.jsonl"));
        File.Copy(paths.StubLog + ".usage", Path.Combine(dir, "stub-usage.jsonl"));
    }
}
