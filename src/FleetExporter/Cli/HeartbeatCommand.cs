using System.CommandLine;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Cli;

/// <summary><c>fleet-exporter heartbeat AGENT</c>: a protocol-v1 writer for agents and their hooks to call.</summary>
public static class HeartbeatCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("AGENT") { Description = "Roster name of the agent whose heartbeat to write" };
        var status = new Option<string?>("--status") { Description = "Short free text stored in the heartbeat (e.g. idle, working)", HelpName = "TEXT" };
        var pid = new Option<int?>("--pid") { Description = "Process id to record (default: the caller, i.e. this command's parent)" };
        pid.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0) r.AddError("--pid must be a process id (a positive integer)");
        });
        var command = new Command("heartbeat", "Write AGENT's heartbeat file now (atomically), as the heartbeat protocol v1 defines")
        {
            agent, status, pid,
        };
        command.SetAction(parse =>
        {
            if (!CommonOptions.TryResolveAgent(parse, parse.GetValue(agent)!, Console.Error, out var roster, out var spec, out var exitCode))
                return exitCode;
            var file = roster.Heartbeat.FileFor(spec.Name);
            var previous = new HeartbeatSource(TimeProvider.System).Read(file, spec.HeartbeatInterval);
            try
            {
                HeartbeatWriter.Write(file, DateTimeOffset.UtcNow, spec.HeartbeatInterval, parse.GetValue(pid) ?? ParentPid(), parse.GetValue(status), previous.Seq, previous.Hook);
            }
            catch (HeartbeatTooLargeException e)
            {
                Console.Error.WriteLine($"fleet-exporter: heartbeat {file} not written: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"fleet-exporter: cannot write heartbeat {file}: {e.Message}");
                return ExitCodes.Failed;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int? ParentPid()
    {
        try { return Sources.Processes.ProcStatParser.Parse(File.ReadAllText("/proc/self/stat"))?.ParentPid; }
        catch (IOException) { return null; }
    }
}
