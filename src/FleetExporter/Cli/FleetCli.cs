using System.CommandLine;

namespace FleetExporter.Cli;

/// <summary>The command tree. Each subcommand lives in its own class; this only assembles them.</summary>
public static class FleetCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("fleet-exporter: watch a fleet of AI coding agents (systemd units running tmux sessions) and export it to Prometheus")
        {
            CommonOptions.Roster,
            Ps.PsCommand.Create(),
            HeartbeatCommand.Create(),
            ServeCommand.Create(),
            DemoCommand.Create(),
            WatchCommand.Create(),
            SendCommand.Create(),
            HooksCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs; a malformed command line is exit code 2, as documented.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"fleet-exporter: {error.Message}");
            Console.Error.WriteLine("Try 'fleet-exporter --help'.");
            return ExitCodes.Usage;
        }
        // Ctrl-C and SIGTERM cancel the command; give it time to remove what it created (demo, watch).
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
    }
}
