using FleetExporter.Agents.State;
using FleetExporter.Roster;
using FleetExporter.Sources.Journal;
using FleetExporter.Subprocess;
using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>What the operator asked `send` to do.</summary>
public sealed record SendPlan(string Message, bool Verify, TimeSpan Timeout, TimeSpan EnterDelay, bool AllowUnknown);

/// <summary>
/// How a send ended. <see cref="Verdict"/> names it as the journal and JSON do: <c>sent</c> (not verified),
/// <c>acknowledged</c>, <c>accepted</c>, <c>draft</c>, <c>unverifiable</c>, <c>unknown</c>, <c>not_ready</c>
/// (nothing typed: a dialog, a menu, copy mode, not running, still starting, or a state it cannot tell) or <c>failed</c> (nothing typed).
/// </summary>
public sealed record SendReport(SendOutcome Verdict, string Reason, bool TextTyped, AgentReadiness? Readiness, VerifyResult? Verified);

/// <summary>
/// One send, failing closed at every step: decide the agent is ready (never type into a dialog), type the text,
/// check again during the gap before the Enter, press it, then watch for the agent's own acknowledgement (its
/// hook's prompt fingerprint) or, for agents without hooks, the pane's evidence.
/// </summary>
public sealed class SendOperation(FleetRoster roster, AgentSpec agent, TmuxClient tmux, string pane)
{
    /// <summary>How often a draft gets another Enter within --verify-timeout.</summary>
    public const int MaxEnterRetries = 3;

    /// <summary>Whether the text has been handed to tmux (then an interrupted send's outcome is unknown, not failed).</summary>
    public bool TextHandedToTmux { get; private set; }

    public async Task<SendReport> RunAsync(SendPlan plan, CancellationToken ct)
    {
        AgentReadiness readiness;
        try { readiness = await AgentReadiness.ProbeAsync(roster, agent, tmux, pane, ct); }
        catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
        {
            return new(SendOutcome.NotReady, $"its readiness could not be read: {e.Message}", false, null, null);
        }
        if (readiness.Refusal(plan.AllowUnknown) is { } refusal)
            return new(SendOutcome.NotReady, refusal, false, readiness, null);

        var file = roster.Heartbeat.FileFor(agent.Name);
        var acknowledgement = Acknowledgement.For(plan.Message, DateTimeOffset.UtcNow, readiness.Hook?.Prompt);
        PaneSnapshot? before = null;
        try
        {
            if (plan.Verify) before = await PaneSnapshot.CaptureAsync(tmux, pane, ct);
            TextHandedToTmux = true;
            await MessageSender.SendAsync(tmux, pane, plan.Message, plan.EnterDelay, ct, beforeEnter: BeforeEnterAsync, style: roster.Runtimes[agent.Runtime].Paste);
        }
        catch (PaneInModeException e) when (!e.TextTyped)
        {
            return new(SendOutcome.NotReady, e.Message, false, readiness, null);
        }
        catch (PaneInModeException e)
        {
            return new(SendOutcome.Draft, $"the text was typed, then {e.Message}, so the Enter was not sent; the text sits unsubmitted in the input", true, readiness, null);
        }
        catch (DeliveryUncertainException e)
        {
            // The agent may still say it got it: with hooks, the acknowledgement is still proof.
            if (acknowledgement.Check(file, agent.HeartbeatInterval).Prompt is { } late)
                return new(SendOutcome.Acknowledged, $"{e.Message}, yet the agent's hook reported this prompt (id {late.Id})", true, readiness, null);
            return new(SendOutcome.Unknown, e.Message, true, readiness, null);
        }
        catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
        {
            return new(SendOutcome.Failed, $"nothing was typed: {e.Message}", false, readiness, null);
        }
        if (before is null) return new(SendOutcome.Sent, "typed and submitted; not verified", true, readiness, null);

        var prompts = roster.Runtimes[agent.Runtime].Prompts;
        var started = DateTime.UtcNow;
        var result = await VerifyAsync(plan.Timeout);
        // The text sits in the input, so the Enter was not taken (a TUI still starting up ignores it): again, a few
        // times while time is left, each only while the text still waits there and no dialog came up meanwhile.
        for (var again = 1; again <= MaxEnterRetries && result.Verdict.Outcome == SendOutcome.Draft; again++)
        {
            var left = plan.Timeout - (DateTime.UtcNow - started);
            if (left <= SendVerifier.PollInterval) break;
            if (await DialogSinceAsync(ct) is { } withheld)
                return new(SendOutcome.Draft, $"{result.Verdict.Reason}; Enter not pressed again: {withheld}", true, readiness, result);
            try { await MessageSender.PressEnterAgainAsync(tmux, pane, ct); }
            catch (PaneInModeException e) { return new(SendOutcome.Draft, $"{result.Verdict.Reason}; Enter not pressed again: {e.Message}", true, readiness, result); }
            catch (DeliveryUncertainException e) { return new(SendOutcome.Unknown, e.Message, true, readiness, result); }
            result = await VerifyAsync(left);
            if (result.Verdict.Outcome != SendOutcome.Draft)
                result = result with { Verdict = result.Verdict with { Reason = $"{result.Verdict.Reason} (the Enter was not taken at first; pressed {again + 1} times)" } };
        }
        return new(result.Verdict.Outcome, result.Verdict.Reason, true, readiness, result);

        Task<VerifyResult> VerifyAsync(TimeSpan timeout) => SendVerifier.PollAsync(tmux, pane, plan.Message, prompts, before, timeout, ct,
            () => acknowledgement.Check(file, agent.HeartbeatInterval), expectAcknowledgement: readiness.Hook is not null || agent.HooksInstalled);
    }

    /// <summary>How long the runtime may take to show pasted text in its input box (a busy machine: seconds).</summary>
    public static readonly TimeSpan TakenPatience = TimeSpan.FromSeconds(10);

    /// <summary>Gemini CLI turns an Enter handled within 30 ms of a paste into a line break: the Enter waits this long after the text shows.</summary>
    private static readonly TimeSpan AfterTaken = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Before the Enter: a runtime with an empty-box pattern must first show the text in its box (it has read the
    /// paste; an Enter read with the paste, or just after it, becomes a line break or is lost), and no dialog may
    /// have come up meanwhile.
    /// </summary>
    private async Task<string?> BeforeEnterAsync(CancellationToken ct)
    {
        var screens = roster.Runtimes[agent.Runtime].States;
        if (screens.Ready.Count > 0)
        {
            var until = DateTime.UtcNow + TakenPatience;
            try
            {
                while (screens.ShowsEmptyInput(await tmux.MustAsync(["capture-pane", "-p", "-t", pane], ct: ct)) != false)
                {
                    if (DateTime.UtcNow >= until) return $"the text did not show in its input box within {TakenPatience.TotalSeconds:0} s";
                    await Task.Delay(50, ct);
                }
            }
            catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
            {
                return $"its input box could not be read ({e.Message})";
            }
            await Task.Delay(AfterTaken, ct);
        }
        return await DialogSinceAsync(ct);
    }

    /// <summary>During the gap before the Enter: a dialog that came up meanwhile (hooks or screen) withholds it.</summary>
    private async Task<string?> DialogSinceAsync(CancellationToken ct)
    {
        try
        {
            var now = await AgentReadiness.ProbeAsync(roster, agent, tmux, pane, ct);
            return now.State.Name == AgentStateName.Waiting ? $"the agent began waiting for a human ({now.State.Reason})" : null;
        }
        catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
        {
            return $"its state could not be read again ({e.Message})";
        }
    }
}
