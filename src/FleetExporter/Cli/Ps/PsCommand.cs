using System.CommandLine;
using System.Text.Json;
using FleetExporter.Fleet;
using FleetExporter.Glance;

namespace FleetExporter.Cli.Ps;

/// <summary>
/// <c>fleet-exporter ps [--json]</c>: one row (or object) per roster agent, with its flags; rows that need attention first. Exits 0 when every fact is
/// known, 6 (<see cref="ExitCodes.FactsUnknown"/>) when some are not; what is unknown and why goes to stderr.
/// </summary>
public static class PsCommand
{
    public static readonly TimeSpan CollectionDeadline = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per agent, instead of the table" };
        var command = new Command("ps", "Show every roster agent, those that need attention first: unit state, what runs in its pane, state, idle time, heartbeat age and flags")
        {
            json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var roster = CommonOptions.LoadRoster(parse, Console.Error);
            if (roster is null) return ExitCodes.Usage;
            // A source that hangs (a stuck file system, a wedged systemd) is reported as failed after this long.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(CollectionDeadline);
            var snapshot = await FleetJoin.CreateDefault().CollectAsync(roster, deadline.Token);
            if (parse.GetValue(json))
            {
                var list = snapshot.Agents.Select(a => AgentJson.From(a, snapshot)).ToList();
                Console.Out.WriteLine(JsonSerializer.Serialize(list, PsJsonContext.Default.ListAgentJson));
            }
            else
            {
                var colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
                var rows = PsRow.From(snapshot);
                Console.Out.Write(PsTable.Render(rows, colour, OutputWidth()));
                // The summary and warnings are for the person, never part of the table or the JSON a script reads.
                Console.Error.WriteLine(Attention.Summary(rows.Select(r => (r.Flags, r.State)).ToList()));
            }
            foreach (var line in PsTable.Warnings(snapshot, OutputWidth() ?? PsTable.Width)) Console.Error.WriteLine(line);
            return snapshot.HasUnknown ? ExitCodes.FactsUnknown : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>COLUMNS</c> when set, else the terminal's width, else (piped) no limit: a script gets every cell whole.</summary>
    internal static int? OutputWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns > 0)
            return columns;
        if (Console.IsOutputRedirected) return null;
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : PsTable.Width; }
        catch (IOException) { return PsTable.Width; }
    }
}
