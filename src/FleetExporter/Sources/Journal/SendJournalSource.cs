using System.Diagnostics;
using System.Text.Json;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Telemetry;

namespace FleetExporter.Sources.Journal;

/// <summary>Sends per agent and verdict, counted from the send journal (one JSON line per `send`).</summary>
public sealed record SendCounts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByAgent)
{
    public static readonly SendCounts None = new(new Dictionary<string, IReadOnlyDictionary<string, long>>());

    /// <summary>Every verdict a journal line can carry (see `send`), in the order exported.</summary>
    public static readonly IReadOnlyList<string> Verdicts = ["sent", "acknowledged", "accepted", "draft", "unverifiable", "unknown", "not_ready", "failed"];

    public long Count(string agent, string verdict) => ByAgent.GetValueOrDefault(agent)?.GetValueOrDefault(verdict) ?? 0;
}

/// <summary>
/// Reads the send journal incrementally: each collection reads only what was appended since the last one (at most
/// <see cref="MaxBytesPerCollection"/>), so a long journal costs nothing per scrape. A journal that shrank
/// (truncated or replaced) is counted again from its start; counters restart, as Prometheus counters may. A line
/// without its newline yet is left for the next collection; a line that is not a journal entry is skipped. Only the
/// roster's agents and the known verdicts are kept, so memory is bounded by the roster, not by the journal's history.
/// </summary>
public sealed class SendJournalSource
{
    public const string Name = "send_journal";
    public const int MaxBytesPerCollection = 4 * 1024 * 1024;

    private readonly Lock _gate = new();
    private string? _path;
    private long _offset;
    private Dictionary<string, Dictionary<string, long>> _counts = new(StringComparer.Ordinal);

    private IReadOnlySet<string>? _agents;

    /// <param name="agents">The agents to count (the roster's); null counts every agent named.</param>
    public SourceResult<SendCounts> Observe(string path, IReadOnlySet<string>? agents = null)
    {
        using var span = FleetTelemetry.Source.StartActivity("source send_journal");
        var watch = Stopwatch.StartNew();
        lock (_gate)
        {
            try
            {
                if (_path != path) Reset(path);
                _agents = agents;
                ReadNew(path);
                return SourceResult<SendCounts>.Success(Name, Snapshot(), watch.Elapsed);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                Reset(path);
                return SourceResult<SendCounts>.Success(Name, SendCounts.None, watch.Elapsed);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                return SourceResult<SendCounts>.Failure(Name, $"cannot read {path}: {e.Message}", watch.Elapsed);
            }
        }
    }

    private void Reset(string path)
    {
        _path = path;
        _offset = 0;
        _counts = new(StringComparer.Ordinal);
    }

    private void ReadNew(string path)
    {
        using var handle = NonBlockingFile.OpenRead(path);
        var length = RandomAccess.GetLength(handle);   // NotSupportedException: not a regular file
        if (length < _offset) Reset(path);
        var want = (int)Math.Min(length - _offset, MaxBytesPerCollection);
        if (want <= 0) return;
        var buffer = new byte[want];
        var got = 0;
        int n;
        while (got < want && (n = RandomAccess.Read(handle, buffer.AsSpan(got), _offset + got)) > 0) got += n;
        var end = Array.LastIndexOf(buffer, (byte)'\n', got - 1);
        if (end < 0)
        {
            // A single line longer than a whole collection's read is no journal line: skip it.
            if (got == MaxBytesPerCollection) _offset += got;
            return;
        }
        var start = 0;
        for (var i = 0; i <= end; i++)
        {
            if (buffer[i] != '\n') continue;
            Count(buffer.AsSpan(start, i - start));
            start = i + 1;
        }
        _offset += end + 1;
    }

    private void Count(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("agent", out var a) || a.ValueKind != JsonValueKind.String
                || !doc.RootElement.TryGetProperty("verdict", out var v) || v.ValueKind != JsonValueKind.String)
                return;
            var agent = a.GetString()!;
            var verdict = v.GetString()!;
            if ((_agents is not null && !_agents.Contains(agent)) || !SendCounts.Verdicts.Contains(verdict)) return;
            var byVerdict = _counts.TryGetValue(agent, out var d) ? d : _counts[agent] = new(StringComparer.Ordinal);
            byVerdict[verdict] = byVerdict.GetValueOrDefault(verdict) + 1;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string JSON allows but UTF-16 cannot hold (a lone surrogate, "\ud800").
            // Not an entry (a hand edit, a torn line from a crashed writer): skipped, the rest still counts.
        }
    }

    private SendCounts Snapshot() => new(_counts.ToDictionary(
        kv => kv.Key, kv => (IReadOnlyDictionary<string, long>)new Dictionary<string, long>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal));
}
