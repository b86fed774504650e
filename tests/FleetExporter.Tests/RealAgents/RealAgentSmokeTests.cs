using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.RealAgents;

/// <summary>Each real agent reaches its prompt offline and answers a prompt from the model stub.</summary>
[Trait(Speed.Trait, Speed.Slow)]
public sealed class RealAgentSmokeTests
{
    [RealAgentFact("claude")]
    public Task Claude_Code_answers_hello_offline() => AnswersHelloOffline(AgentRuntime.Claude);

    [RealAgentFact("codex")]
    public Task Codex_answers_hello_offline() => AnswersHelloOffline(AgentRuntime.Codex);

    [RealAgentFact("gemini")]
    public Task Gemini_CLI_answers_hello_offline() => AnswersHelloOffline(AgentRuntime.Gemini);

    [RealAgentFact("pi")]
    public Task Pi_answers_hello_offline() => AnswersHelloOffline(AgentRuntime.Pi);

    private static async Task AnswersHelloOffline(AgentRuntime runtime)
    {
        using var temp = new TempDirectory();
        await using var tmux = new TmuxServer();
        await using var agent = await RealAgent.StartAsync(runtime, tmux, temp);

        Assert.Equal(["lo"], agent.NetworkInterfaces());
        await agent.SubmitAsync("hello");

        // The stub's answer "ok" as a line of its own (the agents put a marker such as ● or ✦ before it).
        await agent.WaitForScreenAsync(new Regex(@"^\W*ok\s*$", RegexOptions.Multiline), TimeSpan.FromSeconds(30), "the stub's \"ok\"");
        Assert.Contains(agent.ModelRequests(), r => r["body"]!.ToJsonString().Contains(":\"hello\"", StringComparison.Ordinal));
        await agent.ExitAsync();
    }
}
