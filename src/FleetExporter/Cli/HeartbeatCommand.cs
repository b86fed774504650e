using System.CommandLine;
using FleetExporter.Agents.Hooks;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;

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
            // Read from the token: a value that is no int at all is the parser's error, and reading it here would throw.
            if (r.Tokens is not [var token] || !int.TryParse(token.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
                r.AddError("--pid must be a process id (a positive integer)");
        });
        var started = new Option<bool>("--started")
        {
            Description = $"The agent's unit has just started its pane process --pid (fleet-agent@.service does this): the previous run's hook report is dropped, " +
                          $"the status is \"{StartBeat.Status}\", and for {StartBeat.Grace.TotalSeconds:0} s a pane whose runtime has not started yet is not DRIFT. " +
                          "Nothing is written when this run's hooks have already beaten",
        };
        var command = new Command("heartbeat", "Write AGENT's heartbeat file now (atomically), as the heartbeat protocol v1 defines")
        {
            agent, status, pid, started,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(started) && r.GetResult(pid) is null) r.AddError("--started needs --pid: the pane process its unit started");
            if (r.GetValue(started) && r.GetResult(status) is not null) r.AddError($"--started writes the status \"{StartBeat.Status}\"; --status cannot be given with it");
        });
        command.SetAction(parse =>
        {
            if (parse.GetValue(started))
            {
                if (!CommonOptions.TryResolveAgent(parse, parse.GetValue(agent)!, Console.Error, out var roster, out var agentSpec, out var code)) return code;
                return Started(roster, agentSpec, parse.GetValue(pid)!.Value, roster.Heartbeat.FileFor(agentSpec.Name));
            }
            // Agents may beat often: one agent's entry is read, not the whole roster.
            if (!CommonOptions.TryResolveCachedAgent(parse, parse.GetValue(agent)!, Console.Error, out var spec, out var exitCode))
                return exitCode;
            var file = spec.Heartbeat.FileFor(spec.Name);
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

    private static int Started(FleetRoster roster, AgentSpec spec, int panePid, string file)
    {
        try
        {
            if (StartBeat.Write(roster, spec, panePid, ProcessTable.StartTimeOf(panePid), TimeProvider.System) is null)
                Console.Error.WriteLine($"fleet-exporter: {spec.Name}'s hooks have already beaten since process {panePid} started; {file} left as it is");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fleet-exporter: cannot write heartbeat {file}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int? ParentPid()
    {
        try { return ProcStatParser.Parse(File.ReadAllText("/proc/self/stat"))?.ParentPid; }
        catch (IOException) { return null; }
    }
}
