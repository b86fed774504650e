using FleetExporter.Agents.Hooks;
using FleetExporter.Heartbeats;
using FleetExporter.Sources.Heartbeats;

namespace FleetExporter.Operator;

/// <summary>
/// How `send --verify` recognises the agent's own acknowledgement: its hook's last submitted prompt (heartbeat
/// <c>prompt_sha256</c>, <c>prompt_ts</c>) is this message, reported after the send began. The fingerprint is
/// SHA-256 over the UTF-8 bytes of the text as typed (<see cref="MessageSender.Prepare"/>: CRLF as LF, trailing
/// line breaks dropped); a runtime that trims the prompt it reports (both ends, or the end) is matched too.
/// </summary>
public sealed record Acknowledgement(IReadOnlySet<string> Fingerprints, DateTimeOffset NotBefore, PromptReport? Previous)
{
    /// <summary>The hook runs on the same host, with the same clock; this covers rounding of its millisecond timestamps.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    public static Acknowledgement For(string message, DateTimeOffset sendStart, PromptReport? previous)
    {
        var typed = MessageSender.Prepare(message);
        // Codex and Gemini CLI report the prompt trimmed; Claude Code drops only trailing blanks.
        var forms = new HashSet<string>(StringComparer.Ordinal) { HookEvent.Sha256Hex(typed), HookEvent.Sha256Hex(typed.Trim()), HookEvent.Sha256Hex(typed.TrimEnd()) };
        return new(forms, sendStart - Slack, previous);
    }

    /// <summary>The prompt report that acknowledges this message, or null.</summary>
    public PromptReport? Match(HookReport? report) =>
        report?.Prompt is { At: { } at } p
        && Fingerprints.Contains(p.Sha256)
        && at >= NotBefore
        && (Previous is null || Previous.At != at || Previous.Id != p.Id)
            ? p
            : null;

    /// <summary>What the hook report says about this message: its acknowledgement, and whether the hooks report at all.</summary>
    public AcknowledgementCheck Read(HookReport? report) => new(Match(report), report is not null);

    /// <summary>Reads the agent's heartbeat now and matches its hook report.</summary>
    public AcknowledgementCheck Check(string heartbeatFile, TimeSpan interval) =>
        Read(new HeartbeatSource(TimeProvider.System).Read(heartbeatFile, interval).Hook);
}

/// <summary>
/// One look at the agent's hook report during a send: the prompt report that acknowledges the message (or null),
/// and whether the agent's hooks report at all (then an acknowledgement is due).
/// </summary>
public sealed record AcknowledgementCheck(PromptReport? Prompt, bool HooksReport);
