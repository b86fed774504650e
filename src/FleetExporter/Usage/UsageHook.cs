namespace FleetExporter.Usage;

/// <summary>
/// The counting a hook does after its heartbeat, under the same lock: what the event's transcript gained since the
/// last event is added to the agent's usage file. The file is rewritten only when the count moved or its problem
/// changed, so a hook whose transcript did not grow costs one small read.
/// </summary>
public static class UsageHook
{
    /// <summary>What a hook reads at most from each earlier transcript (a backlog is caught up over the next events).</summary>
    public const long CatchUpBytes = 1024 * 1024;

    /// <summary>Counts; returns what to log (a problem with the transcript or the usage file), or null.</summary>
    public static string? Count(string heartbeatDirectory, string agent, string runtime, string eventName, string? transcript, DateTimeOffset now)
    {
        if (TranscriptFormats.For(runtime) is not { } format) return null;
        UsageEvent? happened = format.Events.TryGetValue(eventName, out var said) ? said : null;
        if (transcript is null && happened is null) return null;
        var file = UsageFile.PathFor(heartbeatDirectory, agent);
        string? problem = null;
        UsageTotals before;
        try { before = UsageFile.Read(file) ?? UsageTotals.Empty; }
        catch (UsageFileException e)
        {
            // The count cannot go on from a file that is not one: it starts again (a counter reset, as Prometheus knows it).
            problem = $"{e.Message}; the usage count starts again";
            before = UsageTotals.Empty;
        }
        var roots = format.Roots().Select(TranscriptCounter.ResolveRoot).OfType<string>().ToList();
        var after = before;
        if (transcript is not null)
        {
            // What the agent's earlier transcripts gained after their last event first (Codex writes a failed turn's
            // error after its last hook: a /new or a restart next would leave it unread), oldest first, so that the
            // order of the kept transcripts stays newest first; then the event's own.
            foreach (var earlier in before.Transcripts.Reverse().Where(t => t.Path != transcript))
                after = TranscriptCounter.Advance(after, earlier.Path, roots, format.Parse, CatchUpBytes, format.ReadEvents);
            after = TranscriptCounter.Advance(after, transcript, roots, format.Parse, events: format.ReadEvents);
        }
        if (happened is { } counted) after = after.With(counted);
        after = after with { Today = DayUsage.Advance(before, after, LocalDate(now)) };
        if (problem is null && happened is null && Same(before, after)) return null;
        try { UsageFile.Write(file, after, now); }
        catch (Exception e) when (e is UsageFileException or IOException or UnauthorizedAccessException) { return $"{file}: not written: {e.Message}"; }
        // A transcript's problem is said once, when it appears, not at every event after.
        return problem ?? (after.Problem != before.Problem ? after.Problem : null);
    }

    /// <summary>The host's calendar date at <paramref name="now"/>, which "today" in ps means.</summary>
    public static DateOnly LocalDate(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.Local).DateTime);

    private static bool Same(UsageTotals a, UsageTotals b) =>
        a.Problem == b.Problem && a.Transcripts.SequenceEqual(b.Transcripts) && a.Responses == b.Responses;
}
