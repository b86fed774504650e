using System.Text.RegularExpressions;
using FleetExporter.Agents.State;

namespace FleetExporter.Agents.Panes;

/// <summary>
/// What a pane's screen says of its agent, and the pattern that said it. <see cref="Starting"/>: the runtime is
/// still starting up (shown as working: busy, not yet taking prompts).
/// </summary>
public sealed record PaneVerdict(AgentStateName State, string Pattern, bool Starting = false);

/// <summary>
/// A runtime's screens as regular expressions (roster <c>runtimes.NAME.states</c>), for agents whose hooks do not
/// report. Only the bottom of the screen is read, where the agents draw their input box, spinner and dialogs, so a
/// transcript that quotes a dialog higher up does not count. Waiting is tried first (a dialog can sit under a
/// spinner line), then starting and working (the input box stays drawn while the agent starts or works), then idle.
/// <see cref="Starting"/> are screens of a runtime that draws its input box before it takes prompts (Codex holds
/// text typed then and submits it once started): working to the exporter, and no moment for `send` to type.
/// </summary>
public sealed record PaneRecognizer(IReadOnlyList<Regex> Waiting, IReadOnlyList<Regex> Working, IReadOnlyList<Regex> Idle, IReadOnlyList<Regex> Starting)
{
    /// <summary>
    /// The runtime's empty input box with nothing over it (no draft, menu, overlay or pasted-content placeholder):
    /// the one screen `send` types into. Positive evidence only: a screen none of these match is not ready.
    /// Empty for a runtime that declares none; `send` then decides by the state alone.
    /// </summary>
    public IReadOnlyList<Regex> Ready { get; init; } = [];

    /// <summary>How many non-blank lines, counted from the bottom, the patterns see.</summary>
    public const int BottomLines = 25;

    public static readonly PaneRecognizer None = new([], [], [], []);

    public bool IsEmpty => Waiting.Count == 0 && Working.Count == 0 && Idle.Count == 0 && Starting.Count == 0;

    /// <summary>
    /// Whether the bottom of <paramref name="screen"/> shows the empty input box: true or false when the runtime
    /// declares <see cref="Ready"/> patterns (a pattern that ran out of time is false: never a guess), null when it
    /// declares none.
    /// </summary>
    public bool? ShowsEmptyInput(string screen)
    {
        if (Ready.Count == 0) return null;
        var bottom = Bottom(screen);
        try { return Ready.Any(p => p.IsMatch(bottom)); }
        catch (RegexMatchTimeoutException) { return false; }
    }

    /// <summary>The state the screen shows, or null when no pattern matches (or one ran out of time: unknown, never a guess).</summary>
    public PaneVerdict? Recognize(string screen)
    {
        if (IsEmpty) return null;
        var bottom = Bottom(screen);
        try
        {
            return First(AgentStateName.Waiting, Waiting, bottom)
                ?? First(AgentStateName.Working, Starting, bottom, starting: true)
                ?? First(AgentStateName.Working, Working, bottom)
                ?? First(AgentStateName.Idle, Idle, bottom);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    internal static string Bottom(string screen)
    {
        var lines = screen.Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Trim().Length > 0).ToList();
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - BottomLines)));
    }

    private static PaneVerdict? First(AgentStateName state, IReadOnlyList<Regex> patterns, string text, bool starting = false) =>
        patterns.FirstOrDefault(p => p.IsMatch(text)) is { } hit ? new PaneVerdict(state, hit.ToString(), starting) : null;
}
