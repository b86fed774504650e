using System.Diagnostics;
using System.Text.RegularExpressions;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Journal;
using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>The verdict and the evidence it rests on; <see cref="Acknowledged"/> is the agent's own report of the prompt.</summary>
public sealed record VerifyResult(SendVerdict Verdict, PaneSnapshot Before, PaneSnapshot? After, int Polls, TimeSpan Elapsed, PromptReport? Acknowledged = null);

/// <summary>Watches the agent after a send until the evidence is conclusive or the time is up.</summary>
public static class SendVerifier
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan AcknowledgementInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(6000);
    public static readonly TimeSpan AcknowledgementGrace = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// The agent's acknowledgement (<paramref name="acknowledged"/>, read every 100 ms) ends the watch at once: it
    /// is the one proof. The pane is read every 400 ms. Without hooks (<paramref name="expectAcknowledgement"/>
    /// false), accepted ends it at once. Draft ends it when seen on two polls in a row: a program that has read the
    /// Enter may not have redrawn yet, and a false draft invites a duplicate send. Anything else keeps watching, and
    /// the answer at the timeout fails closed: an agent whose hooks report but did not acknowledge is unverifiable,
    /// whatever its pane looks like (the message may be queued, or it went somewhere else). Hooks that begin to
    /// report during the watch make the acknowledgement due as well: Codex runs its first hooks with its first
    /// prompt, and on a busy machine they report after the pane already looked accepted.
    /// </summary>
    public static async Task<VerifyResult> PollAsync(
        TmuxClient tmux, string pane, string message, IReadOnlyList<Regex> prompts, PaneSnapshot before, TimeSpan timeout, CancellationToken ct,
        Func<AcknowledgementCheck>? acknowledged = null, bool expectAcknowledgement = false)
    {
        var watch = Stopwatch.StartNew();
        var polls = 0;
        var draftsInARow = 0;
        var nextPoll = PollInterval;
        TimeSpan? acceptedAt = null;
        PaneSnapshot? after = null;
        SendVerdict verdict = new(SendOutcome.Unverifiable, "the pane was not looked at");
        while (true)
        {
            var step = acknowledged is null ? PollInterval : AcknowledgementInterval;
            var remaining = timeout - watch.Elapsed;
            await Task.Delay(remaining < step ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) : step, ct);
            var check = acknowledged?.Invoke();
            expectAcknowledgement |= check?.HooksReport == true;
            if (check?.Prompt is { } prompt)
                return new VerifyResult(new(SendOutcome.Acknowledged, $"the agent's hook reported this prompt (id {prompt.Id}, SHA-256 {prompt.Sha256[..12]}…)"),
                    before, after, polls, watch.Elapsed, prompt);
            if (watch.Elapsed < nextPoll && watch.Elapsed < timeout) continue;
            nextPoll = watch.Elapsed + PollInterval;
            try { after = await PaneSnapshot.CaptureAsync(tmux, pane, ct); }
            catch (TmuxCommandException e)
            {
                return new VerifyResult(new(SendOutcome.Unverifiable, $"the pane could not be read: {e.Message}"), before, after, polls, watch.Elapsed);
            }
            polls++;
            verdict = SendVerdictClassifier.Classify(before.Text, after.Text, message, prompts, after.QueuedBytes);
            if (verdict.Outcome == SendOutcome.Unverifiable && after.QueueProblem is { } problem)
                verdict = verdict with { Reason = $"{verdict.Reason} ({problem})" };
            draftsInARow = verdict.Outcome == SendOutcome.Draft ? draftsInARow + 1 : 0;
            // Accepted by the pane alone: an agent whose hooks never reported before (Codex reports its first event
            // with the first prompt) gets a moment to acknowledge, which beats "looks accepted".
            acceptedAt = verdict.Outcome == SendOutcome.Accepted ? acceptedAt ?? watch.Elapsed : null;
            if ((acceptedAt is { } since && !expectAcknowledgement && (acknowledged is null || watch.Elapsed - since >= AcknowledgementGrace))
                || draftsInARow >= 2)
                return new VerifyResult(verdict, before, after, polls, watch.Elapsed);
            if (watch.Elapsed >= timeout)
            {
                if (expectAcknowledgement)
                    verdict = new(SendOutcome.Unverifiable,
                        $"the agent's hooks did not acknowledge it within {timeout.TotalMilliseconds:0} ms; the pane: {verdict.Outcome.Label()}, {verdict.Reason}");
                return new VerifyResult(verdict, before, after, polls, watch.Elapsed);
            }
        }
    }
}
