using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.State;
using FleetExporter.Heartbeats;
using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

/// <summary>What one look at the agent's hook report says about a message being sent.</summary>
public sealed class AcknowledgementTests
{
    private static readonly DateTimeOffset SendStart = DateTimeOffset.Parse("2026-05-01T10:00:00Z");

    private static HookReport Report(string eventName, PromptReport? prompt) =>
        new(AgentStateName.Working, SendStart, "codex", eventName, null, "s1", prompt);

    [Fact]
    public void The_hooks_report_of_this_message_after_the_send_began_acknowledges_it()
    {
        var ack = Acknowledgement.For("hello", SendStart, previous: null);
        var prompt = new PromptReport("p1", HookEvent.Sha256Hex("hello"), 5, SendStart.AddSeconds(2));

        var check = ack.Read(Report("UserPromptSubmit", prompt));

        Assert.Equal(prompt, check.Prompt);
        Assert.True(check.HooksReport);
    }

    /// <summary>Codex and Gemini CLI report the prompt trimmed at both ends, Claude Code only at its end.</summary>
    [Theory]
    [InlineData("  indented and trailing  ", "indented and trailing")]
    [InlineData("  indented and trailing  ", "  indented and trailing")]
    public void A_prompt_reported_trimmed_acknowledges_the_message(string sent, string reported)
    {
        var ack = Acknowledgement.For(sent, SendStart, previous: null);
        var prompt = new PromptReport("p1", HookEvent.Sha256Hex(reported), reported.Length, SendStart.AddSeconds(1));

        Assert.Equal(prompt, ack.Read(Report("UserPromptSubmit", prompt)).Prompt);
    }

    [Fact]
    public void A_first_hook_event_without_the_prompt_acknowledges_nothing_yet_makes_an_acknowledgement_due()
    {
        var ack = Acknowledgement.For("hello", SendStart, previous: null);

        var check = ack.Read(Report("SessionStart", prompt: null));

        Assert.Null(check.Prompt);
        Assert.True(check.HooksReport);
    }

    [Fact]
    public void Another_prompt_acknowledges_nothing()
    {
        var ack = Acknowledgement.For("hello", SendStart, previous: null);
        var other = new PromptReport("p1", HookEvent.Sha256Hex("something else"), 14, SendStart.AddSeconds(2));

        Assert.Null(ack.Read(Report("UserPromptSubmit", other)).Prompt);
    }

    [Fact]
    public void No_hook_report_neither_acknowledges_nor_makes_an_acknowledgement_due()
    {
        var check = Acknowledgement.For("hello", SendStart, previous: null).Read(null);

        Assert.Equal(new AcknowledgementCheck(null, false), check);
    }
}
