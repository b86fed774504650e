using System.Text.Json;

namespace FleetExporter.Heartbeats;

/// <summary>Heartbeat protocol v1 (docs/heartbeat-protocol.md): one JSON object, at least {"v":1,"ts":&lt;unix seconds&gt;}.</summary>
public static class HeartbeatParser
{
    /// <summary>Larger files are not heartbeats; they are refused without being read whole.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Clocks on one host agree; more than this ahead of now is a writer bug, not skew.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromSeconds(10);

    public static HeartbeatReading Parse(string file, ReadOnlySpan<byte> content, DateTimeOffset now, TimeSpan rosterInterval)
    {
        HeartbeatReading Invalid(string why) => new(HeartbeatState.Invalid, file, why, null, null, rosterInterval, null, null, null);

        // A byte order mark is allowed before the object (editors on some systems add one).
        if (content.StartsWith("\uFEFF"u8)) content = content[3..];
        if (content.Length == 0) return Invalid("empty file");
        if (content.Length > MaxBytes) return Invalid($"larger than {MaxBytes} bytes");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(content.ToArray(), new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { return Invalid($"not JSON: {e.Message}"); }
        // The parser decodes strings only when they are read: bytes that are not UTF-8 inside one would throw then.
        if (!System.Text.Unicode.Utf8.IsValid(content))
        {
            doc.Dispose();
            return Invalid("not UTF-8");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Invalid("not a JSON object");
            if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number)
                return Invalid("missing \"v\" (protocol version)");
            // JSON has one number type: 1.0 is the integer 1 (some encoders write every number with a fraction).
            if (!v.TryGetDouble(out var versionNumber) || versionNumber != Math.Floor(versionNumber) || Math.Abs(versionNumber) > int.MaxValue)
                return Invalid("\"v\" is not an integer");
            var version = (int)versionNumber;
            if (version != 1) return Invalid($"unsupported protocol version {version} (this reader knows 1)");
            if (!root.TryGetProperty("ts", out var tsEl) || tsEl.ValueKind != JsonValueKind.Number || !tsEl.TryGetDouble(out var ts)
                || double.IsNaN(ts) || ts <= 0 || ts > 1e11)
                return Invalid("missing or bad \"ts\" (Unix seconds)");

            var interval = rosterInterval;
            if (root.TryGetProperty("interval_s", out var iv))
            {
                if (iv.ValueKind != JsonValueKind.Number || !iv.TryGetDouble(out var seconds) || seconds <= 0 || seconds > 86400 * 30)
                    return Invalid("bad \"interval_s\" (positive seconds)");
                interval = TimeSpan.FromSeconds(seconds);
            }

            var timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(ts * 1000));
            var age = now - timestamp;
            if (age < -FutureTolerance) return Invalid($"\"ts\" is {(-age).TotalSeconds:0} s in the future");
            if (age < TimeSpan.Zero) age = TimeSpan.Zero;

            long? seq = root.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var sv) ? sv : null;
            int? pid = root.TryGetProperty("pid", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var pv) ? pv : null;
            string? status = root.TryGetProperty("status", out var st) ? Truncate(HookReportJson.Text(st)) : null;
            return new HeartbeatReading(HeartbeatState.Ok, file, null, timestamp, age, interval, seq, pid, status, HookReportJson.Read(root));
        }
    }

    private static string? Truncate(string? s) => s is { Length: > 200 } ? s[..200] + "…" : s;
}
