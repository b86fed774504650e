using System.CommandLine;
using FleetExporter.Agents.Install;
using FleetExporter.Roster;

namespace FleetExporter.Cli;

/// <summary>
/// <c>fleet-exporter hooks install|uninstall RUNTIME</c>: puts into (and takes out of) a coding agent's own
/// settings the hooks that run <c>fleet-exporter hook</c>, so the agent reports its state.
/// </summary>
public static class HooksCommand
{
    public static Command Create() => new("hooks", "Install or remove the hooks that make claude, codex, gemini or pi report their state.")
    {
        Install(),
        Uninstall(),
    };

    private static Command Install()
    {
        var runtime = RuntimeArgument();
        var agent = new Option<string?>("--agent") { Description = "Roster name the hooks report as (default: $FLEET_AGENT when the hook runs)", HelpName = "NAME" };
        var settings = SettingsOption();
        var dryRun = DryRunOption();
        var exe = new Option<string?>("--command")
        {
            Description = $"Executable the hooks run (default: the {HookBinary.Name} beside this fleet-exporter, else this fleet-exporter when it runs as its own binary, else fleet-exporter from PATH)",
            HelpName = "EXE",
        };
        var command = new Command("install", "Merge fleet-exporter's hooks into RUNTIME's settings (idempotent; other settings and hooks are kept).")
        {
            runtime, agent, settings, dryRun, exe,
        };
        command.SetAction(parse =>
        {
            var rt = HookRuntimes.Find(parse.GetValue(runtime)!)!;
            var name = parse.GetValue(agent);
            if (name is not null && !HookCommandLine.IsValidAgentName(name))
                return Usage($"--agent {Text.Printable.Quote(name)} is not a roster agent name (letters, digits, '_' and '-', starting with a letter or digit, up to 63)");
            // Only a roster given here is embedded; the hook runs in the agent's directory, so it must be absolute.
            var roster = parse.GetValue(CommonOptions.Roster) is { Length: > 0 } r ? Path.GetFullPath(r) : null;
            var program = HookCommandLine.ResolveExecutable(parse.GetValue(exe), Environment.ProcessPath, Console.Error);
            if (!HookCommandLine.IsProgramName(Path.GetFileName(program)))
                return Usage($"--command \"{Text.Printable.Cut(Text.Printable.Escape(program))}\" must name a program called {HookCommandLine.ProgramName} or {HookBinary.Name} " +
                             "(a link or a wrapper of that name will do): that name is how install and uninstall tell their hooks from yours");
            var line = HookCommandLine.Create(program, rt.Name, name, roster);
            return Run(() =>
            {
                HooksInstaller.Install(Target(parse, rt, settings, dryRun), line, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
                // The roster cannot be told from here which agents run this runtime's settings; init writes it itself.
                Console.Error.WriteLine($"note: give the roster entries of the agents these hooks serve `hooks: true`, so that `send --verify` waits for their acknowledgement (README, \"The roster\")");
            });
        });
        return command;
    }

    private static Command Uninstall()
    {
        var runtime = RuntimeArgument();
        var settings = SettingsOption();
        var dryRun = DryRunOption();
        var command = new Command("uninstall", "Remove exactly the hooks install added (and what became empty by that).")
        {
            runtime, settings, dryRun,
        };
        command.SetAction(parse =>
        {
            var rt = HookRuntimes.Find(parse.GetValue(runtime)!)!;
            return Run(() => HooksInstaller.Uninstall(Target(parse, rt, settings, dryRun), Console.Out, Console.Error));
        });
        return command;
    }

    private static HooksTarget Target(ParseResult parse, HookRuntime runtime, Option<string?> settings, Option<bool> dryRun) =>
        new(runtime, parse.GetValue(settings) is { Length: > 0 } s ? Path.GetFullPath(s)
            : runtime.PathFor(Environment.GetEnvironmentVariable, RosterLoader.Home()),
            parse.GetValue(dryRun));

    private static int Run(Action action)
    {
        try
        {
            action();
            return ExitCodes.Ok;
        }
        catch (SettingsFileException e)
        {
            Console.Error.WriteLine($"fleet-exporter: refused, nothing written: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fleet-exporter: cannot write: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static Argument<string> RuntimeArgument()
    {
        var argument = new Argument<string>("RUNTIME") { Description = "claude, codex, gemini or pi" };
        argument.AcceptOnlyFromAmong([.. HookRuntimes.All.Select(r => r.Name)]);
        return argument;
    }

    private static Option<string?> SettingsOption() => new("--settings")
    {
        Description = "File to change instead of the runtime's own (claude: ~/.claude/settings.json; codex: $CODEX_HOME/hooks.json, " +
                      "default ~/.codex/hooks.json; gemini: ~/.gemini/settings.json; pi: ~/.pi/agent/extensions/fleet-exporter.ts)",
        HelpName = "FILE",
    };

    private static Option<bool> DryRunOption() => new("--dry-run") { Description = "Print the resulting file on stdout and write nothing" };

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"fleet-exporter: {message}");
        return ExitCodes.Usage;
    }
}
