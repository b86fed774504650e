namespace FleetExporter.Tmux;

/// <summary>
/// tmux resolves a bare target by exact name, then by prefix, then by pattern, so <c>-t a</c> reaches session
/// <c>ab</c> when <c>a</c> is absent. A leading <c>=</c> allows only the exact name; panes need the trailing colon.
/// A pane id (<c>%12</c>) is exact too: it names one pane, is never reused while the server runs, and does not
/// follow the session's current window.
/// </summary>
public static class ExactTarget
{
    public static string Session(string session) => "=" + session;

    /// <summary>
    /// The active pane of the session's current window: fine for session-wide formats and options, never for
    /// keys (see <see cref="TmuxClient.AgentPaneAsync"/>).
    /// </summary>
    public static string Pane(string session) => "=" + session + ":";

    /// <summary>Whether the text is a pane id as tmux prints <c>#{pane_id}</c>.</summary>
    public static bool IsPaneId(string text) => text.Length > 1 && text[0] == '%' && !text.AsSpan(1).ContainsAnyExcept("0123456789");
}
