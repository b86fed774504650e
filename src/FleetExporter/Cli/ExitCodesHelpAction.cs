using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace FleetExporter.Cli;

/// <summary>The usual help, then the command's exit codes (<see cref="CommandExitCodes"/>).</summary>
public sealed class ExitCodesHelpAction(HelpAction help) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var code = help.Invoke(parseResult);
        parseResult.InvocationConfiguration.Output.Write(CommandExitCodes.HelpSection(parseResult.CommandResult.Command) + "\n");
        return code;
    }
}
