using System.CommandLine;
using FleetExporter.Agents.Hooks;

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
        return root;
    }

    /// <summary>
    /// The tree <c>hook</c> needs: the root with its global <c>--roster</c> and only the hook command. The hook runs at
    /// every tool call of every agent, and building the other commands is a sixth of its start-up; it parses (and
    /// prints help and errors) exactly as in the whole tree, since nothing of the others applies below <c>hook</c>.
    /// </summary>
    internal static RootCommand BuildForHook() => new(Description) { CommonOptions.Roster, HookCommand.Create() };

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
    public static async Task<int> RunAsync(string[] args)
    {
        var hook = IsHook(args);
        // A hook process runs each regex once at most: compiling one to IL (YamlDotNet's tag-handle pattern, built at
        // every YAML load) costs more than interpreting it. Set before anything reads it; nothing else changes.
        if (hook) AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
        var parse = (hook ? BuildForHook() : Build()).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"fleet-exporter: {error.Message}");
            Console.Error.WriteLine("Try 'fleet-exporter --help'.");
            // A hook that exits non-zero can block or alter the agent (Claude Code treats exit 2 as "deny"), and the
            // runtimes hide its stderr: the hook log says why it did nothing. `--roster PATH hook ...` is a hook too.
            if (parse.CommandResult.Command.Name != HookCommand.Name && args.FirstOrDefault() != HookCommand.Name) return ExitCodes.Usage;
            HookLog.Append(DateTimeOffset.UtcNow, Environment.GetEnvironmentVariable(HookRunner.AgentVariable),
                "bad command line: " + string.Join("; ", parse.Errors.Select(e => e.Message)));
            return ExitCodes.Ok;
        }
        // Ctrl-C and SIGTERM cancel the command; give it time to remove what it created (demo, watch).
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
    }
}
