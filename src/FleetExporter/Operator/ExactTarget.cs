namespace FleetExporter.Operator;

/// <summary>
/// tmux resolves a bare target by exact name, then by prefix, then by pattern, so <c>-t a</c> reaches session
/// <c>ab</c> when <c>a</c> is absent. A leading <c>=</c> allows only the exact name; panes need the trailing colon.
/// </summary>
public static class ExactTarget
{
    public static string Session(string session) => "=" + session;

    /// <summary>The active pane of the session's current window (an agent session has one).</summary>
    public static string Pane(string session) => "=" + session + ":";
}
