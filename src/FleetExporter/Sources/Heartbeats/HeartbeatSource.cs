using FleetExporter.Heartbeats;
using FleetExporter.Roster;

namespace FleetExporter.Sources.Heartbeats;

/// <summary>Reads each agent's <c>&lt;dir&gt;/&lt;agent&gt;.hb</c>. A bad file is that agent's HB-INVALID, never a source failure.</summary>
public sealed class HeartbeatSource(TimeProvider clock) : IFleetSource<IReadOnlyDictionary<string, HeartbeatReading>>
{
    public const string Name = "heartbeat";

    string IFleetSource<IReadOnlyDictionary<string, HeartbeatReading>>.Name => Name;

    public Task<SourceRead<IReadOnlyDictionary<string, HeartbeatReading>>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        var roster = input.Roster;
        var readings = new Dictionary<string, HeartbeatReading>(StringComparer.Ordinal);
        foreach (var agent in roster.Agents)
            readings[agent.Name] = Read(roster.Heartbeat.FileFor(agent.Name), agent.HeartbeatInterval);
        return Task.FromResult<SourceRead<IReadOnlyDictionary<string, HeartbeatReading>>>(readings);
    }

    /// <summary>One heartbeat file as of now (<see cref="HeartbeatFile.Read"/>).</summary>
    public HeartbeatReading Read(string file, TimeSpan interval) => HeartbeatFile.Read(file, interval, clock.GetUtcNow());
}
