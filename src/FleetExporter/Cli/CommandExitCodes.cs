using System.CommandLine;

namespace FleetExporter.Cli;

/// <summary>
/// Which exit codes each command can return and what each means there: printed under every command's
/// <c>--help</c> (and listed in README "Exit codes"). A command not listed here returns the common three.
/// </summary>
public static class CommandExitCodes
{
    private const string BadCommandLineOrRoster = "bad command line or roster (the message names the file, line and key)";

    public static readonly IReadOnlyList<(int Code, string Meaning)> Common =
    [
        (ExitCodes.Ok, "done"),
        (ExitCodes.Failed, "the command ran but failed"),
        (ExitCodes.Usage, BadCommandLineOrRoster),
    ];

    private static readonly IReadOnlyList<(int Code, string Meaning)> Hooks =
    [
        (ExitCodes.Ok, "done (also: already installed, nothing to remove)"),
        (ExitCodes.Failed, "the file could not be written"),
        (ExitCodes.Usage, "bad command line, or a settings file it refuses to change (named with line and column; left untouched)"),
    ];

    /// <summary>By command path below the root ("" is the root itself).</summary>
    private static readonly Dictionary<string, IReadOnlyList<(int Code, string Meaning)>> ByCommand = new(StringComparer.Ordinal)
    {
        [""] =
        [
            (ExitCodes.Ok, "done"),
            (ExitCodes.Failed, "the command ran but failed"),
            (ExitCodes.Usage, BadCommandLineOrRoster),
            (ExitCodes.UnknownAgent, "unknown agent, or its tmux session does not exist"),
            (ExitCodes.NotReady, "send: the agent is not ready for a prompt; nothing was typed"),
            (ExitCodes.OutcomeUnknown, "send: the outcome is unknown; do not resend blindly"),
            (ExitCodes.FactsUnknown, "ps: some facts are unknown; never read the fleet as healthy"),
            (ExitCodes.PrometheusUnavailable, "ps --prometheus: Prometheus could not be asked, or answered what no Prometheus would"),
        ],
        ["ps"] =
        [
            (ExitCodes.Ok, "the join ran and every fact is known (flags are data, not errors)"),
            (ExitCodes.Usage, BadCommandLineOrRoster),
            (ExitCodes.FactsUnknown, "some facts are unknown (shown as '?', why on stderr): never read this fleet as healthy"),
            (ExitCodes.PrometheusUnavailable, "--prometheus: Prometheus could not be asked, or answered what no Prometheus would"),
        ],
        ["heartbeat"] =
        [
            (ExitCodes.Ok, "the heartbeat was written"),
            (ExitCodes.Failed, "the heartbeat file could not be written"),
            (ExitCodes.Usage, BadCommandLineOrRoster),
        ],
        ["hook"] =
        [
            (ExitCodes.Ok, "always: a hook never blocks or alters its agent (problems go to stderr and the hook log)"),
        ],
        ["serve"] =
        [
            (ExitCodes.Ok, "stopped cleanly (SIGTERM, Ctrl-C)"),
            (ExitCodes.Failed, "the server could not start (e.g. the address is in use)"),
            (ExitCodes.Usage, "bad command line, roster or web config"),
        ],
        ["demo"] =
        [
            (ExitCodes.Ok, "stopped cleanly; the demo fleet was removed"),
            (ExitCodes.Failed, "the demo fleet or its server could not start"),
            (ExitCodes.Usage, "bad command line"),
        ],
        ["watch"] =
        [
            (ExitCodes.Ok, "detached"),
            (ExitCodes.Failed, "the tmux client failed"),
            (ExitCodes.Usage, BadCommandLineOrRoster + ", or not on a terminal"),
            (ExitCodes.UnknownAgent, "the agent is not in the roster, or its tmux session does not exist"),
        ],
        ["send"] =
        [
            (ExitCodes.Ok, "sent, acknowledged or accepted"),
            (ExitCodes.Failed, "draft (the Enter was not taken), unverifiable, or failed before anything was typed"),
            (ExitCodes.Usage, "bad command line, roster or message; nothing was typed"),
            (ExitCodes.UnknownAgent, "the agent is not in the roster, or its tmux session does not exist; nothing was typed"),
            (ExitCodes.NotReady, "the agent is not ready for a prompt (a dialog, copy mode, its runtime gone, still starting, a state it cannot tell); nothing was typed"),
            (ExitCodes.OutcomeUnknown, "the outcome is unknown (a step failed after the text went to tmux): do not resend blindly"),
        ],
        ["hooks"] = Hooks,
        ["hooks install"] = Hooks,
        ["hooks uninstall"] = Hooks,
    };

    /// <summary>The command's path below the root: "send", "hooks install"; "" for the root.</summary>
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (var c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name);
        return string.Join(' ', names);
    }

    public static IReadOnlyList<(int Code, string Meaning)> For(Command command) =>
        ByCommand.GetValueOrDefault(PathOf(command)) ?? Common;

    /// <summary>The help section: a title, then one indented line per code.</summary>
    public static string HelpSection(Command command) =>
        "Exit codes:\n" + string.Concat(For(command).Select(c => $"  {c.Code}  {c.Meaning}\n"));
}
