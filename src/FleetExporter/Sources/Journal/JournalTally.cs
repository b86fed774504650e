using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace FleetExporter.Sources.Journal;

/// <summary>
/// Sends per agent and verdict as the journal's lines say. The first line of a rotated journal is a carry line,
/// <c>{"carry":{"AGENT":{"VERDICT":N}},"ts":"…"}</c>: the totals of every file before it, so the counts go on across
/// rotations. A carry line anywhere else, a line that is not an entry, an agent outside <paramref name="agents"/>
/// and an unknown verdict are skipped; past <paramref name="maxAgents"/> distinct agents, new ones are not kept,
/// except those in <paramref name="alwaysKept"/> (the roster's: a journal full of other names cannot crowd them out).
/// </summary>
public sealed class JournalTally(IReadOnlySet<string>? agents, int maxAgents = int.MaxValue, IReadOnlySet<string>? alwaysKept = null)
{
    public const string CarryKey = "carry";

    private readonly Dictionary<string, Dictionary<string, long>> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Dictionary<string, long>> Counts => _counts;

    /// <summary>Counts one line (without its newline) that starts at <paramref name="offset"/> in its file.</summary>
    public void Add(ReadOnlySpan<byte> line, long offset)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var doc = JsonDocument.ParseValue(ref reader);
            // One JSON value and nothing after it but blanks: a line with more is not an entry.
            if (line[(int)reader.BytesConsumed..].TrimEnd(" \t\r"u8).Length > 0) return;
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return;
            if (root.TryGetProperty(CarryKey, out var carry))
            {
                if (offset == 0 && carry.ValueKind == JsonValueKind.Object) Carry(carry);
                return;
            }
            if (root.TryGetProperty("agent", out var a) && a.ValueKind == JsonValueKind.String
                && root.TryGetProperty("verdict", out var v) && v.ValueKind == JsonValueKind.String)
                Bump(a.GetString()!, v.GetString()!, 1);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string JSON allows but UTF-16 cannot hold (a lone surrogate, "\ud800").
            // Not an entry (a hand edit, a torn line from a crashed writer): skipped, the rest still counts.
        }
    }

    private void Carry(JsonElement carry)
    {
        foreach (var agent in carry.EnumerateObject())
        {
            if (agent.Value.ValueKind != JsonValueKind.Object) continue;
            foreach (var verdict in agent.Value.EnumerateObject())
                if (verdict.Value.ValueKind == JsonValueKind.Number && verdict.Value.TryGetInt64(out var n) && n > 0)
                    Bump(agent.Name, verdict.Name, n);
        }
    }

    private void Bump(string agent, string verdict, long by)
    {
        if ((agents is not null && !agents.Contains(agent)) || !SendCounts.Verdicts.Contains(verdict)) return;
        if (!_counts.TryGetValue(agent, out var byVerdict))
        {
            if (_counts.Count >= maxAgents && alwaysKept?.Contains(agent) != true) return;
            _counts[agent] = byVerdict = new(StringComparer.Ordinal);
        }
        byVerdict[verdict] = byVerdict.GetValueOrDefault(verdict) + by;
    }

    /// <summary>The carry line that starts the next file: these totals, one JSON line with its newline.</summary>
    public byte[] CarryLine(DateTimeOffset now)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(CarryKey);
            foreach (var (agent, byVerdict) in _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(agent);
                foreach (var verdict in SendCounts.Verdicts)
                    if (byVerdict.GetValueOrDefault(verdict) is > 0 and var n) json.WriteNumber(verdict, n);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteString("ts", now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}

/// <summary>Whole lines of a file from an offset, in bounded chunks, with the place to go on from next time.</summary>
public static class JournalLines
{
    private const int Chunk = 1024 * 1024;

    /// <summary>The longest line read (a carry line of many agents can pass a chunk); a longer one is no journal line.</summary>
    public const int MaxLine = 16 * 1024 * 1024;

    /// <summary>
    /// Reads whole lines from <paramref name="from"/> up to <paramref name="budget"/> bytes and at most to
    /// <paramref name="length"/>; returns the offset after the last whole line. A line longer than
    /// <see cref="MaxLine"/> is skipped, and a last line without its newline is left for the next read.
    /// </summary>
    public static long Read(SafeFileHandle handle, long from, long length, long budget, Action<ReadOnlySpan<byte>, long> line)
    {
        var stop = Math.Min(length, from + budget);
        if (stop <= from) return from;
        var size = (int)Math.Min(Chunk, stop - from);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var offset = from;   // where the bytes in buffer[0..kept] start
        var kept = 0;
        var skipping = false;
        try
        {
            while (offset + kept < stop)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(kept, (int)Math.Min(size - kept, stop - offset - kept)), offset + kept);
                if (n <= 0) break;
                var filled = kept + n;
                var start = 0;
                for (var i = 0; i < filled; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    if (!skipping) line(buffer.AsSpan(start, i - start), offset + start);
                    skipping = false;
                    start = i + 1;
                }
                if (start == 0 && filled == size)
                {
                    if (size < MaxLine && !skipping && stop - offset > size)
                    {
                        // One line fills the buffer: a bigger one, up to MaxLine.
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(MaxLine, Math.Min((long)size * 2, stop - offset)));
                        Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                        size = (int)Math.Min(MaxLine, Math.Min(buffer.Length, stop - offset));
                        kept = filled;
                        continue;
                    }
                    if (size >= MaxLine)
                    {
                        // Longer than any journal line: drop what is read of it and skip to its end.
                        offset += filled;
                        kept = 0;
                        skipping = true;
                        continue;
                    }
                }
                offset += start;
                kept = filled - start;
                Buffer.BlockCopy(buffer, start, buffer, 0, kept);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return skipping ? offset + kept : offset;
    }
}
