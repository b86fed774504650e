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
