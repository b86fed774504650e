using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FleetExporter.Operator;

/// <summary>The verdict and the evidence it rests on.</summary>
public sealed record VerifyResult(SendVerdict Verdict, PaneSnapshot Before, PaneSnapshot? After, int Polls, TimeSpan Elapsed);

/// <summary>Polls the pane after a send until the evidence is conclusive or the time is up.</summary>
public static class SendVerifier
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(6000);

    /// <summary>
    /// Accepted ends the poll at once. Draft ends it when seen on two polls in a row: a program that has read the
    /// Enter may not have redrawn yet, and a false draft invites a duplicate send. Unverifiable keeps polling
    /// and is the answer at the timeout (fail closed).
    /// </summary>
    public static async Task<VerifyResult> PollAsync(
        OperatorTmux tmux, string pane, string message, IReadOnlyList<Regex> prompts, PaneSnapshot before, TimeSpan timeout, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var polls = 0;
        var draftsInARow = 0;
        PaneSnapshot? after = null;
        SendVerdict verdict = new(SendOutcome.Unverifiable, "the pane was not looked at");
        while (true)
        {
            var remaining = timeout - watch.Elapsed;
            await Task.Delay(remaining < PollInterval ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) : PollInterval, ct);
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
            if (verdict.Outcome == SendOutcome.Accepted || draftsInARow >= 2 || watch.Elapsed >= timeout)
                return new VerifyResult(verdict, before, after, polls, watch.Elapsed);
        }
    }
}
