namespace FleetExporter.Heartbeats;

/// <summary>Unknown: the heartbeat source itself did not finish (e.g. a hung file system); no flag is raised.</summary>
public enum HeartbeatState { Ok, Missing, Invalid, Unknown }

/// <summary>
/// One agent's heartbeat file as read at one moment. Age is now − ts (the file's content, not its mtime);
/// healthy means age ≤ 3 × interval, the interval being the file's <c>interval_s</c>, else the roster's.
/// <see cref="Hook"/> is what the agent's hooks last reported, when they write this file.
/// </summary>
public sealed record HeartbeatReading(
    HeartbeatState State,
    string File,
    string? Problem,
    DateTimeOffset? Timestamp,
    TimeSpan? Age,
    TimeSpan Interval,
    long? Seq,
    int? Pid,
    string? Status,
    HookReport? Hook = null)
{
    public const int StaleFactor = 3;

    public TimeSpan Threshold => Interval * StaleFactor;

    public bool Stale => State == HeartbeatState.Ok && Age > Threshold;

    /// <summary>
    /// The one word every surface (ps, the landing page, /fleet) shows for a heartbeat that has no age: <c>missing</c>,
    /// <c>invalid</c>, or <c>?</c> when the heartbeats could not be read (unknown is never a state).
    /// </summary>
    public string? Word => State switch
    {
        HeartbeatState.Missing => "missing",
        HeartbeatState.Invalid => "invalid",
        HeartbeatState.Unknown => "?",
        _ => null,
    };
}
