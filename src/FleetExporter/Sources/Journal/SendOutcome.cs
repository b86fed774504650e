namespace FleetExporter.Sources.Journal;

/// <summary>
/// How a send ended: what `send` prints and exits with, journals, and the exporter counts (its label is the journal's
/// <c>verdict</c> and the <c>verdict</c> label of <c>fleet_agent_sends_total</c>). One type, so a verdict renamed in
/// one place and not the others is a compile error.
/// </summary>
public enum SendOutcome
{
    /// <summary>Typed and submitted, without verification (no --verify).</summary>
    Sent,

    /// <summary>The agent's own hook reported a submitted prompt with this message's SHA-256: the one proof.</summary>
    Acknowledged,

    /// <summary>Pane evidence only: the pane changed and the message no longer sits unsubmitted in the input ("looks accepted").</summary>
    Accepted,

    /// <summary>The message is visible in the input line, not submitted.</summary>
    Draft,

    /// <summary>Nothing proves delivery: no change, a blank pane, keystrokes still unread, or hooks that did not acknowledge.</summary>
    Unverifiable,

    /// <summary>A step after the text was handed to tmux failed or timed out: it may or may not have arrived. Do not resend blindly.</summary>
    Unknown,

    /// <summary>Nothing typed: the agent was not ready for a prompt (a dialog, a draft, another send, a state not told).</summary>
    NotReady,

    /// <summary>Nothing typed: a step before typing failed (tmux, an interruption).</summary>
    Failed,
}

public static class SendOutcomes
{
    /// <summary>Every outcome, in the order exported.</summary>
    public static readonly IReadOnlyList<SendOutcome> All = Enum.GetValues<SendOutcome>();

    /// <summary>Every label, in the order exported.</summary>
    public static readonly IReadOnlyList<string> Labels = [.. All.Select(Label)];

    /// <summary>The outcome as the journal, the metrics and `send` name it: <c>not_ready</c>, <c>acknowledged</c>, ...</summary>
    public static string Label(this SendOutcome outcome) => outcome switch
    {
        SendOutcome.Sent => "sent",
        SendOutcome.Acknowledged => "acknowledged",
        SendOutcome.Accepted => "accepted",
        SendOutcome.Draft => "draft",
        SendOutcome.Unverifiable => "unverifiable",
        SendOutcome.Unknown => "unknown",
        SendOutcome.NotReady => "not_ready",
        SendOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };
}
