using System.Text.RegularExpressions;
using FleetExporter.Agents.Panes;

namespace FleetExporter.Roster;

/// <summary>Runtimes every roster knows without declaring them; a roster entry of the same name replaces one.</summary>
public static class BuiltInRuntimes
{
    /// <summary>A `> `-style input line: `> text`, `❯ text` or `› text`, possibly inside a box border.</summary>
    public static readonly Regex DefaultPrompt = new(@"^[\s│|]*(?:>|❯|›)\s(?<input>.*?)[\s│|]*$", RegexOptions.CultureInvariant);

    public static IReadOnlyDictionary<string, RuntimeSpec> All { get; } = new Dictionary<string, RuntimeSpec>
    {
        // Claude Code: "!" bash mode, "/" commands, "#" its memory shortcut, "&" a task sent to the background.
        // A paste over 800 characters or 2 line breaks becomes "[Pasted text #1]" and its hook's prompt a wrapped one.
        ["claude"] = Simple("claude", ClaudeScreens, "claude") with { CommandPrefixes = ["!", "/", "#", "&"], Paste = new(true, 800, 2) },
        // Codex: "!" runs a local shell command, "/" commands.
        // Codex reads unbracketed text as keys and stalls after 2048 of them; one bracketed paste arrives whole.
        ["codex"] = Simple("codex", CodexScreens, "codex") with { CommandPrefixes = ["!", "/"], Paste = new(true) },
        // Node programs: the process is `node` and its script comes first on the command line (npm's bin link or the package's own file).
        // pi: "!" and "!!" run a bash line, "/" commands. Gemini CLI: "!" shell mode, "/" commands.
        ["pi"] = Simple("pi", PiScreens, "pi") with
        {
            Match = [R(@"^\S*node\S*(?:\s+-\S+)*\s+(?:\S*/)?(?:pi|pi-coding-agent/dist/cli\.js)(?:\s|$)")], CommandPrefixes = ["!", "/"],
        },
        ["gemini"] = Simple("gemini", GeminiScreens, "gemini") with
        {
            Match = [R(@"^\S*node\S*(?:\s+-\S+)*\s+(?:\S*/)?(?:gemini|gemini-cli/bundle/gemini\.js)(?:\s|$)")], CommandPrefixes = ["!", "/"],
            // Unbracketed, a few thousand characters took it 17-33 s to read.
            Paste = new(true),
        },
        // aider: "/" commands, "!" an alias of /run.
        ["aider"] = Simple("aider", PaneRecognizer.None, "aider") with { CommandPrefixes = ["!", "/"] },
    };

    /// <summary>
    /// Claude Code 2.1: a dialog asks "Do you want to ...?" right above its choices ("❯ 1. Yes") and ends "Esc to
    /// cancel"; a turn shows "esc to interrupt"; the input box starts "❯" and a no-break space. The question alone is
    /// not enough: the agent's own reply can say "Do you want to ...".
    /// </summary>
    public static PaneRecognizer ClaudeScreens => new(
        // A menu opened in the box (Rewind by Esc Esc, the /model picker) ends its hints "· Esc to cancel" too.
        Waiting: [R(@"(?m)^[\s│]*Do you want to .*\?[\s│]*\n[\s│]*❯\s*1\.\s"), R(@"(?m)^[\s│]*(?:[^\n]*·\s*)?Esc to cancel\b")],
        Working: [R(@"(?i)esc to interrupt")],
        Idle: [R("(?m)^[\\s│]*❯\u00a0")],
        Starting: [])
    {
        // The box empty between its rules, and the footer's own hint under it: a draft (typed, or the prompt Esc
        // puts back), a "!" bash line or a menu (Rewind, a "/" command list) changes one of the three.
        Ready = [R("(?m)^─{8,}\n❯\u00a0[ \u00a0]*\n─{8,}\n[^\n]*(?:\\? for shortcuts|esc to interrupt)[^\n]*" + NearTheBottom)],
    };

    /// <summary>
    /// Codex 0.169: approvals ask "Would you like to ..." and end "Press enter to confirm or esc to cancel"; a turn
    /// shows "Working (… esc to interrupt)"; the input line starts "›". It draws its input line seconds (on a busy
    /// machine tens of seconds) before it takes prompts: then the footer under it is "? for shortcuts" alone, without
    /// the "model · directory" line, and a prompt submitted then shows "Waiting for startup" and goes out later.
    /// </summary>
    public static PaneRecognizer CodexScreens => new(
        // Its menus (the first start's "Hooks need review", the hooks list, the /model picker) end in "enter confirm",
        // "enter review" or "enter select" hints; their "›" lines look like the input line.
        Waiting:
        [
            R(@"(?m)^[\s│]*Would you like to (?:run the following command|make the following edits)\?"), R(@"Press enter to confirm or esc to cancel"),
            R(@"(?m)^\s*Hooks need review\s*$"), R(@"(?m)^\s*(?:[^\n]*·\s*)?enter (?:confirm|select|review) · esc\b"),
        ],
        Working: [R(@"(?i)esc to interrupt")],
        Idle: [R(@"(?m)^[\s│]*›\s")],
        Starting: [R(@"(?m)^[\s│]*›\s.*\n\s*\? for shortcuts\s*$"), R(@"(?m)^\s*Waiting for startup\b")])
    {
        // The input line, the "model · directory" line, then the footer's "? for shortcuts", which goes as soon as
        // the input holds text (its placeholder varies, so the hint is the witness). Menus draw no such footer.
        Ready = [R(@"(?m)^›\s[^\n]*\n[ ]+\S[^\n]*·[^\n]*\n[^\n]*\? for shortcuts[^\n]*" + NearTheBottom)],
    };

    /// <summary>Gemini CLI 0.61: approvals ask "Allow execution of ...?" over "● 1. Allow once"; a turn shows "(esc to cancel, 3s)"; the input line starts ">".</summary>
    public static PaneRecognizer GeminiScreens => new(
        // Its dialogs (the Esc Esc rewind, the /model picker) say "Esc to close".
        Waiting: [R(@"(?m)^[\s│]*Allow execution of .*\?"), R(@"(?m)^[\s│]*●\s*1\.\s+Allow once"), R(@"(?m)^[\s│]*\((?:Use Enter to select[^\n]*?, |Press )Esc to close\b")],
        Working: [R(@"\(esc to cancel, \d+s\)")],
        Idle: [R(@"(?m)^[\s│]*>\s+(?:Type your message|\S)")],
        Starting: [])
    {
        // The input line shows its placeholder only while it is empty.
        Ready = [R(@"(?m)^[\s│]*>[ \t]+Type your message or @path/to/file[ \t]*" + NearTheBottom)],
    };

    /// <summary>pi 0.73 asks no permission; a turn shows a spinner and "Working..."; the editor is a line (or none) between two rules.</summary>
    public static PaneRecognizer PiScreens => new(
        // No permission prompts, but selectors that take the editor's place: the session tree (Esc Esc), /model.
        Waiting: [R(@"(?m)^\s*Type to search:"), R(@"(?m)^Only showing models from configured providers")],
        Working: [R(@"(?m)^\s*\S\s+Working\.\.\.")],
        Idle: [R(@"(?m)^─{20,}\n(?:[^\n]*\n)?─{20,}$")],
        Starting: [])
    {
        // The editor's two rules with nothing between them (blank lines are not read).
        Ready = [R(@"(?m)^─{20,}\n─{20,}" + NearTheBottom)],
    };

    /// <summary>
    /// An empty box must be the one at the bottom, not one quoted higher up: at most a few lines (the footer's hints,
    /// an agents panel, the directory line) may follow it.
    /// </summary>
    private const string NearTheBottom = @"(?:\n[^\n]*){0,4}\z";

    private static Regex R(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static RuntimeSpec Simple(string name, PaneRecognizer screens, params string[] commands) => new(name, commands, [], [DefaultPrompt], screens);
}
