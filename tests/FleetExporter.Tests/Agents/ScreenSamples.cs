namespace FleetExporter.Tests.Agents;

/// <summary>
/// Pane texts written from the screens described in shared/ENVIRONMENT.md ("What the panes show"), as
/// <c>tmux capture-pane -p</c> returns them: trailing blank rows included, no colours.
/// </summary>
public static class ScreenSamples
{
    private const string Nbsp = "\u00a0";
    private static readonly string Rule = new('─', 100);
    private static readonly string BlankRows = string.Concat(Enumerable.Repeat("\n", 6));

    private const string ClaudeBanner = """
        ╭───────────────────────────────────────────────────╮
        │ ✻ Welcome to Claude Code!                         │
        │                                                   │
        │   /help for help, /status for your current setup  │
        │                                                   │
        │   cwd: /work/repo                                 │
        ╰───────────────────────────────────────────────────╯

        """;

    /// <summary>Claude Code after a finished turn: the submitted prompt above, `✻ Worked for 5s`, the empty box (❯ + U+00A0).</summary>
    public static string ClaudeIdle => ClaudeBanner + $"""
        ❯ fix the failing test

        ⏺ Bash(dotnet test)
          ⎿  Passed!  - Failed: 0, Passed: 12

        ⏺ Done. The test passes now.

        ✻ Worked for 5s

        {Rule}
        ❯{Nbsp}
        {Rule}
          ? for shortcuts
        """ + BlankRows;

    /// <summary>Claude Code with a typed, unsent prompt: `❯ text` in the box, the `? for shortcuts` hint gone.</summary>
    public static string ClaudeDraft => ClaudeBanner + $"""
        {Rule}
        ❯{Nbsp}add a test for the parser
        {Rule}

        """ + BlankRows;

    /// <summary>Claude Code in a turn: the spinner line and `esc to interrupt`, the box still drawn.</summary>
    public static string ClaudeWorking => ClaudeBanner + $"""
        ❯ fix the failing test

        ✢ Sublimating… (3s · ↓ 120 tokens · esc to interrupt)

        {Rule}
        ❯{Nbsp}
        {Rule}
          esc to interrupt
        """ + BlankRows;

    /// <summary>Claude Code asking permission for a Bash tool call.</summary>
    public static string ClaudePermission => ClaudeBanner + $"""
        ❯ create the file x

        ⏺ Bash(touch x)
          ⎿  Running…

        {Rule}
         Bash command

           touch x
           Create the file x

         Do you want to proceed?
         ❯ 1. Yes
           2. Yes, and don't ask again for touch commands in /work/repo
           3. No, and tell Claude what to do differently (esc)

         Esc to cancel
        """ + BlankRows;

    public const string CodexBanner = """
        ╭──────────────────────────────────────────────╮
        │ >_ OpenAI Codex (v0.169.0)                   │
        │                                              │
        │ model:     stub-model   /model to change     │
        │ directory: /work/repo                        │
        ╰──────────────────────────────────────────────╯

          To get started, describe a task or try one of these commands:

          /init - create an AGENTS.md file with instructions for Codex
          /status - show current session configuration

        """;

    public static string CodexIdle => CodexBanner + """
        › Ask Codex to do anything

          ? for shortcuts                                                  100% context left
        """ + BlankRows;

    public static string CodexWorking => CodexBanner + """
        › fix the failing test

        • Working (2s • esc to interrupt)

        › Ask Codex to do anything

          100% context left
        """ + BlankRows;

    public static string CodexApproval => CodexBanner + """
        › create the file x

        • I'll create the file with touch.

          Would you like to run the following command?

          Reason: the command writes outside the sandbox

          $ touch x

        › 1. Yes, proceed (y)
          2. Yes, and don't ask again for this command (a)
          3. No, and tell Codex what to do differently (esc)

          Press enter to confirm or esc to cancel
        """ + BlankRows;

    public const string GeminiBanner = """

         ███            █████████  ██████████ ██████   ██████ █████ ██████   █████ █████
        ░░░███         ███░░░░░███░░███░░░░░█░░██████ ██████ ░░███ ░░██████ ░░███ ░░███

        Tips for getting started:
        1. Ask questions, edit files, or run commands.
        2. Be specific for the best results.

        """;

    public static string GeminiIdle => GeminiBanner + """
        ╭──────────────────────────────────────────────────────────────────────────────╮
        │ >   Type your message or @path/to/file                                       │
        ╰──────────────────────────────────────────────────────────────────────────────╯
        /work/repo                  no sandbox (see /docs)                  gemini-2.5-pro
        """ + BlankRows;

    public static string GeminiWorking => GeminiBanner + """
        > fix the failing test

        ⠹ Thinking... (esc to cancel, 3s)

        ╭──────────────────────────────────────────────────────────────────────────────╮
        │ >   Type your message or @path/to/file                                       │
        ╰──────────────────────────────────────────────────────────────────────────────╯
        /work/repo                  no sandbox (see /docs)                  gemini-2.5-pro
        """ + BlankRows;

    public static string GeminiApproval => GeminiBanner + """
        > create the file x

        ╭──────────────────────────────────────────────────────────────────────────────╮
        │ ?  Shell touch x                                                             │
        │                                                                              │
        │ touch x                                                                      │
        │                                                                              │
        │ Allow execution of [Shell]?                                                  │
        │                                                                              │
        │ ● 1. Allow once                                                              │
        │   2. Allow always                                                            │
        │   3. No, suggest changes (esc)                                               │
        ╰──────────────────────────────────────────────────────────────────────────────╯
        /work/repo                  no sandbox (see /docs)                  gemini-2.5-pro
        """ + BlankRows;

    public static string PiWorking => """
        pi v0.73.1
        escape to interrupt, ctrl+c to clear

        fix the failing test

        ⠇ Working...

        ────────────────────────────────────────────────────────────────────────────────

        ────────────────────────────────────────────────────────────────────────────────
        /work/repo                                                           stub-model
        """ + BlankRows;

    public static string PiIdle => """
        pi v0.73.1
        escape to interrupt, ctrl+c to clear

        fix the failing test

        Done. The test passes now.

        ────────────────────────────────────────────────────────────────────────────────

        ────────────────────────────────────────────────────────────────────────────────
        /work/repo                                                           stub-model
        """ + BlankRows;

    /// <summary>
    /// An idle Claude Code whose transcript quotes a permission dialog and a spinner line higher up than the
    /// bottom 25 non-blank lines (blank rows between them do not count).
    /// </summary>
    public static string ClaudeIdleQuotingADialogHighUp(int linesBelow) => ClaudeBanner + """
        ❯ what does your permission prompt look like?

        ⏺ It looks like this:

         Do you want to proceed?
         ❯ 1. Yes
           2. No
          esc to interrupt

        """ + string.Join("\n\n", Enumerable.Range(1, linesBelow).Select(i => $"  line {i} of the explanation")) + $"""


        ✻ Worked for 5s

        {Rule}
        ❯{Nbsp}
        {Rule}
          ? for shortcuts
        """ + BlankRows;
}
