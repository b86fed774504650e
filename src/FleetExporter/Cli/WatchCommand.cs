using System.CommandLine;
using System.Runtime.InteropServices;
using FleetExporter.Operator;
using FleetExporter.Subprocess;
using FleetExporter.Tmux;

namespace FleetExporter.Cli;

/// <summary><c>fleet-exporter watch AGENT</c>: a read-only view of the agent's tmux session on this terminal.</summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("AGENT") { Description = "Roster name of the agent to watch" };
        var command = new Command("watch",
            "Show AGENT's tmux session read-only on this terminal (detach with the tmux prefix, then d). Keys never reach the agent and its window keeps its size.")
        {
            agent,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(agent)!;
            if (!CommonOptions.TryResolveAgent(parse, name, Console.Error, out var roster, out var spec, out var exitCode))
                return exitCode;
            var tmux = new TmuxClient(roster.Tmux);
            var watch = new WatchSession(tmux, spec.Session);
            // SIGTERM and SIGINT also cancel ct; SIGHUP (the terminal went away) must clean up too.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop(stop));
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop(stop));
            try
            {
                if (!await tmux.HasSessionAsync(spec.Session, CancellationToken.None))
                {
                    Console.Error.WriteLine($"fleet-exporter: agent \"{name}\" has no tmux session \"{spec.Session}\"");
                    return ExitCodes.UnknownAgent;
                }
                if (Console.IsInputRedirected || Console.IsOutputRedirected)
                {
                    Console.Error.WriteLine("fleet-exporter: watch needs a terminal on stdin and stdout");
                    return ExitCodes.Usage;
                }
                await watch.SetupAsync(WatchSession.DefaultUnattachedGrace, CancellationToken.None);
                var result = await watch.AttachAsync(stop.Token);
                if (!result.Interrupted && result.ClientExitCode != 0)
                {
                    Console.Error.WriteLine($"fleet-exporter: the tmux client exited {result.ClientExitCode}");
                    return ExitCodes.Failed;
                }
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
            {
                Console.Error.WriteLine($"fleet-exporter: watch {name}: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static Action<PosixSignalContext> Stop(CancellationTokenSource stop) => context =>
    {
        context.Cancel = true;
        stop.Cancel();
    };
}
