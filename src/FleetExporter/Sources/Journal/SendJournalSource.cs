using FleetExporter.Files;

namespace FleetExporter.Sources.Journal;

/// <summary>Sends per agent and verdict, counted from the send journal (one JSON line per `send`).</summary>
public sealed record SendCounts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByAgent)
{
    public static readonly SendCounts None = new(new Dictionary<string, IReadOnlyDictionary<string, long>>());

    /// <summary>Every verdict a journal line can carry (see `send`), in the order exported.</summary>
    public static readonly IReadOnlyList<string> Verdicts = SendOutcomes.Labels;

    public long Count(string agent, string verdict) => ByAgent.GetValueOrDefault(agent)?.GetValueOrDefault(verdict) ?? 0;

    /// <summary>The journal is still being read from its start: these counts are partial and are not exported.</summary>
    public bool CatchingUp { get; init; }
}

/// <summary>
/// Reads the send journal incrementally: each collection reads only what was appended since the last one (at most
/// <see cref="MaxBytesPerCollection"/>), so a long journal costs nothing per scrape. A journal replaced (rotated: a
/// new file under the name) or shrunk is counted again from its start, whose carry line holds the totals of the
/// files before it. Until a count from the start has read to the end once (after the exporter starts, or a
/// replacement), no counts are given (<see cref="SendCounts.CatchingUp"/>): a partial count would read as a counter
/// reset, and the journal's history as new sends. A line without its newline yet is left for the next collection; a
/// line that is not a journal entry is skipped. Only the roster's agents and the known verdicts are kept, so memory
/// is bounded by the roster, not by the journal's history.
/// </summary>
public sealed class SendJournalSource(long maxBytesPerCollection = SendJournalSource.MaxBytesPerCollection) : IFleetSource<SendCounts>
{
    public const string Name = "send_journal";

    string IFleetSource<SendCounts>.Name => Name;
    /// <summary>A rotated journal (16 MiB at most, see SendJournal) is read in one collection.</summary>
    public const int MaxBytesPerCollection = 64 * 1024 * 1024;

    private readonly Lock _gate = new();
    private string? _path;
    private ulong? _inode;
    private long _offset;
    private bool _caughtUp;
    private JournalTally _tally = new(null);

    public Task<SourceRead<SendCounts>> ReadAsync(SourceInput input, CancellationToken ct) =>
        Task.FromResult(Read(input.Roster.SendJournal, input.Roster.Agents.Select(a => a.Name).ToHashSet(StringComparer.Ordinal)));

    /// <param name="path">The journal.</param>
    /// <param name="agents">The agents to count (the roster's); null counts every agent named.</param>
    public SourceRead<SendCounts> Read(string path, IReadOnlySet<string>? agents = null)
    {
        lock (_gate)
        {
            try
            {
                // Another roster (or one whose agents changed) counts from the start again, under its own filter.
                if (_path != path || !SameAgents(agents)) Reset(path, agents);
                var (read, length) = ReadNew(path, agents);
                var counts = Snapshot();
                return _caughtUp
                    ? counts
                    : new SourceRead<SendCounts>(counts with { CatchingUp = true }) { Note = $"catching up: {_offset} of {length} bytes of {path} counted ({read} in this collection)" };
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // No journal yet: no sends. A journal that vanished and comes back is a new one, counted from its start.
                Reset(path, agents);
                _caughtUp = true;
                return SendCounts.None;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                // Lines tallied before the error would be read again from the old offset: count afresh next time.
                Reset(path, agents);
                throw new SourceFailedException($"cannot read {path}: {e.Message}");
            }
        }
    }

    private IReadOnlySet<string>? _agents;

    private bool SameAgents(IReadOnlySet<string>? agents) =>
        ReferenceEquals(agents, _agents) || (agents is not null && _agents is not null && agents.SetEquals(_agents));

    private void Reset(string path, IReadOnlySet<string>? agents)
    {
        _path = path;
        _agents = agents;
        _inode = null;
        _offset = 0;
        _caughtUp = false;
        _tally = new JournalTally(agents);
    }

    private (long Read, long Length) ReadNew(string path, IReadOnlySet<string>? agents)
    {
        using var handle = NonBlockingFile.OpenRead(path);
        if (NonBlockingFile.NotRegular(handle) is { } kind) throw new NotSupportedException($"not a regular file ({kind})");
        var inode = NonBlockingFile.Inode(handle);
        var length = RandomAccess.GetLength(handle);
        if (_inode is { } known && (known != inode || length < _offset)) Reset(path, agents);
        _inode = inode;
        var from = _offset;
        _offset = LineReader.Read(handle, _offset, length, maxBytesPerCollection, _tally.Add);
        // Caught up once the whole file up to this length is read (a last line without its newline waits for it).
        if (from + maxBytesPerCollection >= length) _caughtUp = true;
        return (_offset - from, length);
    }

    private SendCounts Snapshot() => new(_tally.Counts.ToDictionary(
        kv => kv.Key, kv => (IReadOnlyDictionary<string, long>)new Dictionary<string, long>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal));
}
