using System.Text.Json;
using FleetExporter.Files;

namespace FleetExporter.Heartbeats;

/// <summary>Writes a v1 heartbeat atomically: a temporary file in the same directory, then rename over the old one.</summary>
public static class HeartbeatWriter
{
    public static string Write(string file, DateTimeOffset now, TimeSpan? interval, int? pid, string? status, long? previousSeq, HookReport? hook = null)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteNumber("ts", Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3));
            if (interval is { } iv) json.WriteNumber("interval_s", iv.TotalSeconds);
            json.WriteNumber("seq", (previousSeq ?? 0) + 1);
            if (pid is { } p) json.WriteNumber("pid", p);
            if (status is not null) json.WriteString("status", status);
            if (hook is not null) HookReportJson.Write(json, hook);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        // Never write what the reader refuses: the file would be HB-INVALID and the next beat's seq would restart.
        if (buffer.Length > HeartbeatParser.MaxBytes)
            throw new HeartbeatTooLargeException(
                $"the heartbeat would be larger than {HeartbeatParser.MaxBytes} bytes ({buffer.Length}), which readers refuse; shorten the status");
        AtomicFile.Write(file, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()).TrimEnd();
    }
}

/// <summary>The heartbeat would exceed what a reader accepts (<see cref="HeartbeatParser.MaxBytes"/>); nothing was written.</summary>
public sealed class HeartbeatTooLargeException(string message) : IOException(message);
