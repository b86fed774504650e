using System.Text.RegularExpressions;
using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>
/// One agent window the viewer pins: its id and its window-size value before any viewer pinned it ("-": unset),
/// the value to put back.
/// </summary>
public sealed record PinnedWindow(string WindowId, string Original);

/// <summary>
/// The tmux commands behind <c>watch</c>, as text, so that the cleanup can live in tmux itself: a hook on the
/// viewer session runs it when the viewer's client goes away (a detach, a killed or crashed client), and a
/// delayed <c>run-shell -C</c> runs it if no client ever attached. Pure: builds strings, runs nothing.
/// </summary>
public sealed partial record WatchScript(string AgentSession, string Viewer, string Group, IReadOnlyList<PinnedWindow> Windows)
{
    /// <summary>Every viewer session is named with this prefix; the restore waits for the last one in the group.</summary>
    public const string ViewerPrefix = "fleet-watch-";

    /// <summary>Window user option holding the window-size value to restore ("-" when it was not set on the window).</summary>
    public const string SavedOption = "@fleet-watch-saved-window-size";

    public static string NewViewerName(string agentSession) => $"{ViewerPrefix}{agentSession}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Names and ids this text embeds in formats must not carry format or parser syntax.</summary>
    public static bool IsSafe(string name) => SafeName().IsMatch(name);

    /// <summary>
    /// Puts each window's size rule back and forgets the saved value, only when no viewer of this group is left,
    /// and only for windows that still carry a saved value (so running it twice is harmless).
    /// </summary>
    public string Restore()
    {
        var perWindow = string.Join(" ; ", Windows.Select(w =>
            $"if-shell -F -t {w.WindowId} '#{{{SavedOption}}}' {{ " +
            $"if-shell -F -t {w.WindowId} '#{{==:#{{{SavedOption}}},-}}' " +
            $"{{ set-option -uw -t {w.WindowId} window-size }} " +
            $"{{ set-option -wF -t {w.WindowId} window-size '#{{{SavedOption}}}' }} ; " +
            $"set-option -uw -t {w.WindowId} {SavedOption} }}"));
        var viewersLeft = $"#{{S:#{{?#{{&&:#{{==:#{{session_group}},{Group}}},#{{m:{ViewerPrefix}*,#{{session_name}}}}}},x,}}}}";
        return $"if-shell -F '#{{==:{viewersLeft},}}' {{ {perWindow} }}";
    }

    /// <summary>The viewer's client-detached hook: remove the viewer, then restore if it was the last.</summary>
    public string OnDetach() => $"kill-session -t ={Viewer} ; {Restore()}";

    /// <summary>
    /// For <c>run-shell -d SECONDS -C</c>: if the viewer still has no client by then, the watch died before
    /// attaching. run-shell expands formats in its argument at once, so every '#' is doubled to survive that.
    /// </summary>
    public string UnattachedCheck() =>
        EscapeForRunShell($"if-shell -F -t ={Viewer}: '#{{==:#{{session_attached}},0}}' {{ {OnDetach()} }}");

    public static string EscapeForRunShell(string commands) => commands.Replace("#", "##", StringComparison.Ordinal);

    /// <summary>
    /// One tmux invocation: create the grouped viewer, arm both cleanups, then save and pin each window. The viewer
    /// comes first: if a later step fails, the armed cleanup still removes it. tmux runs one client's command list
    /// without interleaving another's, so the viewer, the saved value and the pin appear together to any restore:
    /// either a restore ran before (and removed the saved value, which this then saves again) or it sees this viewer
    /// and leaves the windows alone. The saved value is written only where none is (a viewer that is already there
    /// saved the original).
    /// </summary>
    public IReadOnlyList<string> Setup(TimeSpan unattachedGrace)
    {
        var args = new List<string>
        {
            "new-session", "-d", "-t", ExactTarget.Session(AgentSession), "-s", Viewer, ";",
            "set-hook", "-t", ExactTarget.Pane(Viewer), "client-detached", OnDetach(), ";",
            "run-shell", "-b", "-d", Math.Max(1, (int)Math.Ceiling(unattachedGrace.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-C", UnattachedCheck(),
        };
        foreach (var w in Windows)
            args.AddRange([
                ";", "if-shell", "-F", "-t", w.WindowId, $"#{{==:#{{{SavedOption}}},}}", $"set-option -w -t {w.WindowId} {SavedOption} {w.Original}",
                ";", "set-option", "-w", "-t", w.WindowId, "window-size", "manual",
            ]);
        return args;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_@+-]{1,120}\z")]
    private static partial Regex SafeName();
}
