using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetExporter.Operator.Journal;

/// <summary>
/// One line of the send journal: who sent what (its SHA-256 and length, never the text unless asked) to which
/// agent, and how it ended. The exporter counts these lines per agent and verdict (fleet_agent_sends_total).
/// </summary>
public sealed record SendJournalEntry(
    DateTimeOffset Ts,
    string User,
    string Agent,
    string Sha256,
    long Bytes,
    string Verdict,
    int ExitCode,
    string Evidence,
    string? PromptId,
    string? StateBefore,
    string? Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendJournalEntry))]
public sealed partial class SendJournalContext : JsonSerializerContext;

public static class SendJournal
{
    /// <summary>Evidence is a summary: long reasons are cut so one line stays well under the size written atomically.</summary>
    private const int MaxEvidence = 300;

    /// <summary>
    /// Appends the entry as one line in one write to a file opened for appending, so concurrent senders never
    /// interleave and a reader sees whole lines (or, at worst, a last line still without its newline, which it skips).
    /// </summary>
    public static void Append(string path, SendJournalEntry entry)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cut = entry with { Evidence = entry.Evidence.Length > MaxEvidence ? entry.Evidence[..MaxEvidence] + "…" : entry.Evidence };
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(cut, SendJournalContext.Default.SendJournalEntry) + "\n");
        // Never blocks on a FIFO put there, never writes through a symlink, regular files only.
        Sources.Heartbeats.NonBlockingFile.AppendRegular(path, line, flushToDisk: true);
    }
}
