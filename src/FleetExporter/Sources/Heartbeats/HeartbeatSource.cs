using System.Diagnostics;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Telemetry;

namespace FleetExporter.Sources.Heartbeats;

/// <summary>Reads each agent's <c>&lt;dir&gt;/&lt;agent&gt;.hb</c>. A bad file is that agent's HB-INVALID, never a source failure.</summary>
public sealed class HeartbeatSource(TimeProvider clock)
{
    public const string Name = "heartbeat";

    public SourceResult<IReadOnlyDictionary<string, HeartbeatReading>> Observe(FleetRoster roster)
    {
        using var span = FleetTelemetry.Source.StartActivity("source heartbeat");
        var watch = Stopwatch.StartNew();
        var readings = new Dictionary<string, HeartbeatReading>(StringComparer.Ordinal);
        foreach (var agent in roster.Agents)
            readings[agent.Name] = Read(roster.Heartbeat.FileFor(agent.Name), agent.HeartbeatInterval);
        return SourceResult<IReadOnlyDictionary<string, HeartbeatReading>>.Success(Name, readings, watch.Elapsed);
    }

    /// <summary>One heartbeat file as of now (<see cref="HeartbeatFile.Read"/>).</summary>
    public HeartbeatReading Read(string file, TimeSpan interval) => HeartbeatFile.Read(file, interval, clock.GetUtcNow());
}
