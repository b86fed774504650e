using System.CommandLine;
using FleetExporter.Agents.Install;
using FleetExporter.Roster;
using FleetExporter.Setup;
using FleetExporter.Subprocess;

namespace FleetExporter.Cli;

/// <summary>
/// <c>fleet-exporter init --agent NAME --runtime RUNTIME</c>: the roster, the shipped agent units and each agent's
/// env file, plus the runtime's hooks, printed before they are written.
/// </summary>
public static class InitCommand
{
    private const string ExitCodeHelp =
        "Exit codes: 0 written (or dry run); 1 files exist with other content and --force was not given (listed; nothing written), " +
        "or a write failed; 2 bad command line, or the runtime's settings file or a file in the way (a FIFO, a device, a directory) is refused (nothing written).";

    public static Command Create()
    {
        var agents = new Option<string[]>("--agent") { Description = "An agent's name (repeat for more)", HelpName = "NAME", Required = true };
        var runtime = new Option<string>("--runtime") { Description = "What the agents run: claude, codex, gemini, pi or aider", DefaultValueFactory = _ => "claude", HelpName = "RUNTIME" };
        runtime.AcceptOnlyFromAmong([.. BuiltInRuntimes.All.Keys.Order(StringComparer.Ordinal)]);
        var dir = new Option<string?>("--dir") { Description = "The agents' working directory (default: the current one)", HelpName = "PATH" };
        var run = new Option<string?>("--run") { Description = "The command line each agent's pane runs (default: the runtime's command, by its full path when it is on PATH now)", HelpName = "COMMAND" };
        var socket = new Option<string>("--tmux-socket") { Description = "The fleet's tmux server, tmux -L NAME (default: default, the roster's default)", DefaultValueFactory = _ => TmuxSettings.DefaultSocketName, HelpName = "NAME" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be written and write nothing" };
        var force = new Option<bool>("--force") { Description = "Replace files that exist with other content (the old one is kept as FILE.bak, or FILE.bak.N when that exists: no backup is overwritten)" };
        var add = new Option<bool>("--add")
        {
            Description = "Add the agents (of this runtime) to the roster that exists, keeping everything in it; the tmux socket is the roster's unless --tmux-socket is given",
        };
        var command = new Command("init", $"Scaffold a fleet: the roster, the agent units (fleet-tmux.service, fleet-agent@.service), each agent's env file and the runtime's hooks; prints everything before writing it. {ExitCodeHelp}")
        {
            agents, runtime, dir, run, socket, dryRun, force, add,
        };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(agents)!;
            if (names.FirstOrDefault(n => !HookCommandLine.IsValidAgentName(n)) is { } bad)
                return Usage($"--agent {Text.Printable.Quote(bad)} is not an agent name (letters, digits, '_' and '-', starting with a letter or digit, up to 63)");
            if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
                return Usage($"--agent {Text.Printable.Quote(twice.Key)} is given twice");
            var socketName = parse.GetValue(socket)!;
            if (!HookCommandLine.IsValidAgentName(socketName))
                return Usage($"--tmux-socket {Text.Printable.Quote(socketName)} is not a socket name (letters, digits, '_' and '-')");
            var rt = parse.GetValue(runtime)!;
            var rosterPath = Path.GetFullPath(CommonOptions.RosterPath(parse));
            string? existing = null;
            if (parse.GetValue(add) && File.Exists(rosterPath))
            {
                try
                {
                    existing = RosterFile.Read(rosterPath);
                    var tmux = RosterLoader.Parse(existing, rosterPath).Tmux;
                    if (tmux.SocketPath is not null)
                        return Usage($"{rosterPath}: tmux.socket_path is set; init writes units for a tmux -L socket name, so add these agents by hand");
                    if (parse.GetResult(socket) is null or { Implicit: true } && tmux.SocketName is { } named)
                        socketName = named;
                }
                catch (RosterException e) { return Usage(e.Message); }
            }
            var request = new InitRequest(names, rt, parse.GetValue(run) ?? RuntimeCommand(rt), Path.GetFullPath(parse.GetValue(dir) ?? Environment.CurrentDirectory),
                socketName, rosterPath, RosterLoader.ConfigHome())
            {
                ExistingRoster = existing,
                Exporter = HookCommandLine.ResolveExecutable(null, Environment.ProcessPath, Console.Error),
            };
            try
            {
                AgentEnvironmentFile.Render(names[0], request.Command, request.WorkingDirectory);
                InitPlan.Files(request);
            }
            catch (ArgumentException e) { return Usage(e.Message); }
            catch (RosterException e) { return Usage($"the roster with the agents added would not load, nothing written: {e.Message}"); }
            return InitRunner.Run(request, Hooks(rt, request.Exporter, parse.GetValue(CommonOptions.Roster) is { Length: > 0 } ? rosterPath : null),
                parse.GetValue(dryRun), parse.GetValue(force), Console.Out, Console.Error, Environment.GetEnvironmentVariable) switch
            {
                InitOutcome.Done => ExitCodes.Ok,
                InitOutcome.Failed => ExitCodes.Failed,
                _ => ExitCodes.Usage,
            };
        });
        return command;
    }

    /// <summary>
    /// As <c>hooks install RUNTIME</c> without <c>--agent</c>: each hook reports as the <c>$FLEET_AGENT</c> its unit sets,
    /// and runs <paramref name="exe"/>, the program the units run (resolved once: that may ask a binary its version).
    /// </summary>
    private static InitHooks? Hooks(string runtime, string exe, string? roster) =>
        HookRuntimes.Find(runtime) is { } rt
            ? new(new HooksTarget(rt, rt.PathFor(Environment.GetEnvironmentVariable, RosterLoader.Home()), DryRun: false),
                HookCommandLine.Create(exe, rt.Name, null, roster))
            : null;

    /// <summary>
    /// The runtime by its full path when this shell finds it: the pane's shell gets the user manager's PATH, which
    /// often lacks the directories npm and pipx install into (~/.local/bin, ~/.npm-global/bin).
    /// </summary>
    private static string RuntimeCommand(string runtime) =>
        (ProgramPath.Find(runtime) is { } path && !path.Any(char.IsWhiteSpace) ? path : runtime) + RuntimeArguments(runtime);

    /// <summary>
    /// Codex otherwise runs its hooks in a daemon shared by every Codex of the user (one per CODEX_HOME), with the
    /// environment of the first one that started it: every agent's events would report as that agent's.
    /// </summary>
    private static string RuntimeArguments(string runtime) => runtime == "codex" ? " --no-daemon" : "";

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"fleet-exporter: {message}");
        return ExitCodes.Usage;
    }
}
