namespace FleetExporter.Sources.Systemd;

/// <summary>What systemd says about one unit. UnitFileState may be older than the rest: see UnitFileStateReadAt.</summary>
public sealed record UnitFacts(
    string Unit,
    string LoadState,
    string ActiveState,
    string SubState,
    string? UnitFileState,
    DateTimeOffset? UnitFileStateReadAt,
    int? MainPid,
    long? Restarts);

public sealed record SystemdObservation(IReadOnlyDictionary<string, UnitFacts> Units, bool? Linger, string LingerFile);
