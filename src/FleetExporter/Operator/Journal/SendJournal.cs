using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FleetExporter.Files;

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
    /// Appends the entry as one line in one write to a file opened for appending, so a reader sees whole lines (or,
    /// at worst, a last line still without its newline, which it skips). Senders take turns under the journal's lock
    /// (<c>.sends.jsonl.lock</c> beside it), so a rotation never loses a line appended while it ran; a sender that
    /// cannot get the lock within <see cref="LockPatience"/> appends anyway and does not rotate.
    /// </summary>
    public static void Append(string path, SendJournalEntry entry, long maxBytes = JournalRotation.MaxBytes, IReadOnlySet<string>? rosterAgents = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var cut = entry with { Evidence = entry.Evidence.Length > MaxEvidence ? entry.Evidence[..MaxEvidence] + "…" : entry.Evidence };
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(cut, SendJournalContext.Default.SendJournalEntry) + "\n");
        using (var held = FileLock.TryTake(Path.Combine(dir, $".{Path.GetFileName(path)}.lock"), LockPatience))
        {
            if (held is not null) JournalRotation.RotateIfFull(path, line.Length, entry.Ts, maxBytes, rosterAgents);
            // Never blocks on a FIFO put there, never writes through a symlink, regular files only.
            NonBlockingFile.AppendRegular(path, line, flushToDisk: true);
        }
    }

    /// <summary>A rotation of a large journal copies it under the lock: senders wait for it rather than append beside it.</summary>
    public static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(60);
}
