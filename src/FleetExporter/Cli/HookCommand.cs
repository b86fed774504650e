using System.CommandLine;
using FleetExporter.Agents.Hooks;

namespace FleetExporter.Cli;

/// <summary>
/// <c>fleet-exporter hook [AGENT]</c>: the command an agent's hooks run (installed by <c>hooks install</c>). Reads the
/// event on stdin, maps it to the agent's state and rewrites its heartbeat. Always exits 0 and prints nothing on
/// stdout: a hook must never block or alter the agent, so problems go to stderr and the hook log.
/// </summary>
public static class HookCommand
{
    public const string Name = "hook";

    public static Command Create()
    {
        var agent = new Argument<string?>("AGENT")
        {
            Description = $"Roster name of the agent (default: ${HookRunner.AgentVariable})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var runtime = new Option<string?>("--runtime")
        {
            Description = $"Whose events these are: {string.Join(", ", EventMaps.ByRuntime.Keys)} (default: the agent's runtime in the roster)",
            HelpName = "RUNTIME",
        };
        var command = new Command(Name,
            "Record one hook event of AGENT (JSON on stdin) as its state and heartbeat. For the agents' hooks: exits 0 whatever happens, " +
            $"prints nothing on stdout; problems go to stderr and {HookLog.PathName()}")
        {
            agent, runtime,
        };
        command.SetAction(parse =>
        {
            var runner = new HookRunner(Console.Error, TimeProvider.System);
            runner.Run(parse.GetValue(agent), parse.GetValue(runtime), CommonOptions.RosterPath(parse),
                () => HookStdin.Read(Console.OpenStandardInput(), !Console.IsInputRedirected, HookRunner.StdinDeadline));
            return ExitCodes.Ok;
        });
        return command;
    }
}
