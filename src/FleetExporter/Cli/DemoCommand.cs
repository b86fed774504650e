using System.CommandLine;
using FleetExporter.Demo;
using FleetExporter.Web;

namespace FleetExporter.Cli;

/// <summary><c>fleet-exporter demo</c>: start a sample fleet and serve it as <c>serve</c> would; Ctrl-C removes it all.</summary>
public static class DemoCommand
{
    public const string Name = "demo";

    public static Command Create()
    {
        var listen = new Option<string>("--web.listen-address")
        {
            Description = $"Address to serve the demo on (default 127.0.0.1:{ServeOptions.DefaultPort})",
            DefaultValueFactory = _ => $"127.0.0.1:{ServeOptions.DefaultPort}",
            HelpName = "HOST:PORT",
        };
        var command = new Command(Name, "Start a sample fleet (healthy, drifted, stale, not boot-enabled) on a private tmux server and serve its metrics; it writes its own roster and reads none")
        {
            listen,
        };
        command.SetAction(async (parse, ct) =>
        {
            // `--roster PATH demo` parses (the root takes --roster); the demo's point is a fleet that needs none.
            if (parse.GetResult(CommonOptions.Roster) is not null)
            {
                Console.Error.WriteLine("fleet-exporter: demo serves its own sample fleet and reads no roster; to serve yours: fleet-exporter serve --roster PATH");
                Console.Error.WriteLine("Try 'fleet-exporter demo --help'.");
                return ExitCodes.Usage;
            }
            DemoFleet fleet;
            try { fleet = await DemoFleet.StartAsync(Console.Out); }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"fleet-exporter demo: {e.Message}");
                return ExitCodes.Failed;
            }
            await using (fleet)
            {
                var options = new ServeOptions(parse.GetValue(listen)!, ServeOptions.DefaultTelemetryPath, null, fleet.RosterPath);
                return await ServeCommand.RunAsync(options, app => Banner(app, fleet), ct);
            }
        });
        return command;
    }

    private static void Banner(WebApplication app, DemoFleet fleet)
    {
        var url = app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        Console.Out.WriteLine($"""

            The fleet at a glance:  {url}/
            Metrics:                {url}/metrics
            In a terminal:          {fleet.ShellEnvironment}{string.Join(' ', DemoFleet.SelfInvocation())} ps --roster {fleet.RosterPath}
            Look at an agent:       tmux -L {fleet.Id} attach -r -t healthy
            Agents:
            {string.Join("\n", DemoFleet.Agents.Select(a => $"  {a.Name,-9} {a.State}"))}

            Press Ctrl-C to stop; it removes the sessions, units and files it created.
            """);
    }
}
