namespace FleetExporter.Operator;

public enum SendOutcome
{
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
}

/// <summary>One classification of a send, with the reason in words.</summary>
public sealed record SendVerdict(SendOutcome Outcome, string Reason)
{
    public string Name => Outcome.ToString().ToLowerInvariant();
}
