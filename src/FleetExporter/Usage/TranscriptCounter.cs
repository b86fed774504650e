using FleetExporter.Files;

namespace FleetExporter.Usage;

/// <summary>
/// One hook's step of counting: the transcript its event names is read from where its count stood (by path and
/// inode; a replaced or shrunk file is counted from its start), whole lines only and at most <see cref="MaxBytesPerHook"/>,
/// so a hook stays fast whatever the transcript's length and a backlog is caught up over the next events. A
/// transcript that cannot be counted (missing, no regular file, outside the runtime's own directory once every
/// link is resolved) leaves the totals as they were, with the reason; one that does not exist (yet) adds nothing.
/// </summary>
public static class TranscriptCounter
{
    public const long MaxBytesPerHook = 8 * 1024 * 1024;

    /// <summary>
    /// The totals with what <paramref name="transcript"/> gained since they were counted: its responses
    /// (<paramref name="parse"/>) and what its lines say happened (<paramref name="events"/>: denied tool calls, API errors).
    /// </summary>
    public static UsageTotals Advance(UsageTotals totals, string transcript, IReadOnlyList<string> roots, ResponseParser parse, long budget = MaxBytesPerHook,
        TranscriptEventParser? events = null)
    {
        try
        {
            using var handle = NonBlockingFile.OpenRead(transcript);
            if (NonBlockingFile.NotRegular(handle) is { } kind) return totals with { Problem = $"transcript {transcript} is not a regular file ({kind})" };
            var real = NonBlockingFile.RealPath(handle) ?? transcript;
            if (!roots.Any(root => Under(real, root)))
                return totals with { Problem = $"transcript {transcript} is outside the runtime's directory ({string.Join(", ", roots)}); not read" };
            var inode = NonBlockingFile.Inode(handle);
            var length = RandomAccess.GetLength(handle);
            var known = totals.Transcripts.FirstOrDefault(t => t.Path == real);
            var goesOn = known is { } k && k.Inode == inode && k.Offset <= length;
            var from = goesOn ? known!.Offset : 0;
            var cursor = goesOn ? new TranscriptCursor { Model = known!.Model, Cumulative = known.Cumulative } : new TranscriptCursor();
            var counted = totals;
            var end = LineReader.Read(handle, from, length, budget, (line, _) =>
            {
                if (parse(line, cursor) is { } response) counted = counted.Add(response);
                if (events is not null)
                    foreach (var happened in events(line)) counted = counted.With(happened);
            });
            TranscriptPosition[] positions =
            [
                new(real, inode, end) { Model = cursor.Model, Cumulative = cursor.Cumulative },
                .. totals.Transcripts.Where(t => t.Path != real),
            ];
            return counted with
            {
                Transcripts = positions.Take(UsageTotals.MaxTranscripts).ToList(), Problem = null,
                RateLimits = cursor.RateLimits ?? counted.RateLimits,
            };
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Not written yet (Claude Code creates it at the first message), or removed: nothing to add.
            return totals with { Problem = null };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return totals with { Problem = $"transcript {transcript}: {e.Message}" };
        }
    }

    /// <summary>The runtime's own directory, every link resolved (a dotfiles manager may link it elsewhere); null when it does not exist.</summary>
    public static string? ResolveRoot(string directory)
    {
        try
        {
            using var handle = NonBlockingFile.OpenRead(directory);
            return NonBlockingFile.RealPath(handle) ?? Path.GetFullPath(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static bool Under(string path, string root) =>
        path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);
}
