using System.CommandLine;
using System.CommandLine.Help;
using FleetExporter.Agents.Hooks;
using FleetExporter.Agents.Install;

namespace FleetExporter.Cli;

/// <summary>The command tree. Each subcommand lives in its own class; this only assembles them.</summary>
public static class FleetCli
{
    private const string Description = "fleet-exporter: watch a fleet of AI coding agents (systemd units running tmux sessions) and export it to Prometheus";

    public static RootCommand Build()
    {
        var root = new RootCommand(Description)
        {
            CommonOptions.Roster,
            Ps.PsCommand.Create(),
            HeartbeatCommand.Create(),
            HookCommand.Create(),
            ServeCommand.Create(),
            DemoCommand.Create(),
            WatchCommand.Create(),
            SendCommand.Create(),
            HooksCommand.Create(),
            InitCommand.Create(),
        };
        return WithHelpAndVersion(WithRosterOption(root));
    }

    /// <summary>Offers <c>--roster</c> below every command but <c>demo</c> (the root has it already).</summary>
    private static RootCommand WithRosterOption(RootCommand root)
    {
        var pending = new Stack<Command>(root.Subcommands);
        while (pending.TryPop(out var command))
        {
            if (command.Name == DemoCommand.Name) continue;
            // A command that declares its own --roster keeps it.
            if (!command.Options.Any(o => o.Name == CommonOptions.Roster.Name)) command.Options.Add(CommonOptions.Roster);
            foreach (var sub in command.Subcommands) pending.Push(sub);
        }
        return root;
    }

    /// <summary>
    /// Every command's <c>--help</c> ends with its exit codes, and <c>--version</c> works on every command
    /// (<c>fleet-exporter ps --version</c>), as it does on the root.
    /// </summary>
    private static RootCommand WithHelpAndVersion(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help } helpOption) helpOption.Action = new ExitCodesHelpAction(help);
            if (option is VersionOption) option.Recursive = true;
        }
        return root;
    }

    /// <summary>Whether the command line asks for help or the version: those answer whatever else is wrong with it.</summary>
    private static bool AsksForHelpOrVersion(ParseResult parse) =>
        parse.RootCommandResult.Command.Options.Any(o => o is HelpOption or VersionOption && parse.GetResult(o) is not null);

    /// <summary>Where a malformed command line is pointed: the help of the command it was for.</summary>
    internal static string HelpPointer(ParseResult parse) =>
        $"Try 'fleet-exporter {(CommandExitCodes.PathOf(parse.CommandResult.Command) is { Length: > 0 } path ? path + " " : "")}--help'.";

    /// <summary>
    /// The tree <c>hook</c> needs: the root with its global <c>--roster</c> and only the hook command. The hook runs at
    /// every tool call of every agent, and building the other commands is a sixth of its start-up; it parses (and
    /// prints help and errors) exactly as in the whole tree, since nothing of the others applies below <c>hook</c>.
    /// </summary>
    internal static RootCommand BuildForHook() => WithHelpAndVersion(WithRosterOption(new(Description) { CommonOptions.Roster, HookCommand.Create() }));

    /// <summary>Whether the command line names <c>hook</c> as its command: <c>hook ...</c>, or <c>--roster PATH hook ...</c>.</summary>
    internal static bool IsHook(string[] args)
    {
        var roster = CommonOptions.Roster.Name;
        var i = 0;
        while (i < args.Length)
        {
            if (args[i] == roster) i += 2;
            else if (args[i].StartsWith(roster + "=", StringComparison.Ordinal) || args[i].StartsWith(roster + ":", StringComparison.Ordinal)) i++;
            else break;
        }
        return i < args.Length && args[i] == HookCommand.Name;
    }

    /// <summary>Parses and runs; a malformed command line is exit code 2, as documented.</summary>
    /// <param name="interactive">
    /// The command owns its process: Ctrl-C and SIGTERM cancel it. False when it runs inside another program (the
    /// tests' in-process runner), whose signals are its own.
    /// </param>
    public static Task<int> RunAsync(string[] args, bool interactive = true) =>
        RunAsync(args, IsHook(args) ? BuildForHook : Build, interactive);

    /// <summary>
    /// What <c>fleet-exporter-hook</c> runs: <c>hook</c> and <c>heartbeat</c> alone, parsed as in the whole tree. Its binary
    /// holds only the code these reach, so it starts in a third of the time (see <see cref="HookBinary"/>); nothing here
    /// may reach <see cref="Build"/>, or the whole exporter is compiled into it again.
    /// </summary>
    public static Task<int> RunHookBinaryAsync(string[] args, bool interactive = true) => RunAsync(args, BuildForHookBinary, interactive);

    /// <summary>The tree of <c>fleet-exporter-hook</c>: the root with its global <c>--roster</c>, <c>hook</c> and <c>heartbeat</c>.</summary>
    internal static RootCommand BuildForHookBinary() =>
        WithHelpAndVersion(WithRosterOption(new(HookBinary.Description) { CommonOptions.Roster, HookCommand.Create(), HeartbeatCommand.Create() }));

    private static async Task<int> RunAsync(string[] args, Func<RootCommand> tree, bool interactive)
    {
        var hook = IsHook(args);
        // A hook process runs each regex once at most: compiling one to IL (YamlDotNet's tag-handle pattern, built at
        // every YAML load) costs more than interpreting it. Set before anything reads it; nothing else changes.
        if (hook) AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
        var parse = tree().Parse(args);
        if (parse.Errors.Count > 0 && !AsksForHelpOrVersion(parse))
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"fleet-exporter: {Text.Printable.Message(error.Message)}");
            Console.Error.WriteLine(HelpPointer(parse));
            // A hook that exits non-zero can block or alter the agent (Claude Code treats exit 2 as "deny"), and the
            // runtimes hide its stderr: the hook log says why it did nothing. `--roster PATH hook ...` is a hook too.
            if (parse.CommandResult.Command.Name != HookCommand.Name && args.FirstOrDefault() != HookCommand.Name) return ExitCodes.Usage;
            HookLog.Append(DateTimeOffset.UtcNow, Environment.GetEnvironmentVariable(HookRunner.AgentVariable),
                "bad command line: " + string.Join("; ", parse.Errors.Select(e => e.Message)));
            return ExitCodes.Ok;
        }
        // Ctrl-C and SIGTERM cancel the command; give it time to remove what it created (demo, watch).
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = interactive ? TimeSpan.FromSeconds(30) : null });
    }
}
