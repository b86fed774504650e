namespace FleetExporter.Operator;

public enum SendOutcome
{
    /// <summary>The pane changed and the message no longer sits unsubmitted in the input.</summary>
    Accepted,

    /// <summary>The message is visible in the input line, not submitted.</summary>
    Draft,

    /// <summary>Nothing proves delivery: no change, a blank pane, or keystrokes still unread in the tty.</summary>
    Unverifiable,
}

/// <summary>One classification of the pane after a send, with the reason in words.</summary>
public sealed record SendVerdict(SendOutcome Outcome, string Reason)
{
    public string Name => Outcome.ToString().ToLowerInvariant();
}
