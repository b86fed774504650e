using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FleetExporter.Logging;

/// <summary>
/// One log record as one line, in promslog's keys: <c>ts</c> (UTC, milliseconds), <c>level</c>, <c>logger</c> (the
/// category: .NET carries no file:line to put in promslog's <c>caller</c>), <c>msg</c>, then the message's named
/// values and <c>err</c>. logfmt quotes a value only when it must; json is one object per line.
/// </summary>
public static class LogLine
{
    public static string Format(LogFormat format, DateTimeOffset ts, LogLevel level, string logger, string message,
        IReadOnlyList<KeyValuePair<string, object?>> fields, Exception? error)
    {
        var pairs = new List<KeyValuePair<string, string>>
        {
            new("ts", ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            new("level", LogOptions.LevelName(level)),
            new("logger", logger),
            new("msg", message),
        };
        var taken = new HashSet<string>(pairs.Select(p => p.Key), StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            if (key == "{OriginalFormat}") continue;
            // A field named like a reserved key is renamed, as promslog does, so json keeps unique keys.
            var name = SnakeCase(key);
            pairs.Add(new(taken.Add(name) ? name : "logged_" + name, Text(value)));
        }
        if (error is not null) pairs.Add(new("err", $"{error.GetType().Name}: {error.Message}"));
        return format == LogFormat.Json ? Json(pairs) : Logfmt(pairs);
    }

    /// <summary>A message template's names (<c>{RosterPath}</c>) as Prometheus' keys are written: <c>roster_path</c>.</summary>
    internal static string SnakeCase(string name)
    {
        var key = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsAsciiLetterUpper(name[i]) && i > 0 && !char.IsAsciiLetterUpper(name[i - 1]) && name[i - 1] != '_') key.Append('_');
            key.Append(char.ToLowerInvariant(name[i]));
        }
        return key.ToString();
    }

    /// <summary>Values as text: invariant numbers, durations as Go prints them (1.5s, 250ms).</summary>
    internal static string Text(object? value) => value switch
    {
        null => "",
        TimeSpan d => d.TotalSeconds >= 1 ? $"{d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s"
            : $"{d.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Logfmt(List<KeyValuePair<string, string>> pairs)
    {
        var line = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (line.Length > 0) line.Append(' ');
            line.Append(key).Append('=');
            if (value.Length > 0 && !value.Any(c => c <= ' ' || c is '=' or '"' or '\\' || char.IsControl(c))) { line.Append(value); continue; }
            line.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': line.Append("\\\""); break;
                    case '\\': line.Append("\\\\"); break;
                    case '\n': line.Append("\\n"); break;
                    case '\r': line.Append("\\r"); break;
                    case '\t': line.Append("\\t"); break;
                    default:
                        if (char.IsControl(c)) line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else line.Append(c);
                        break;
                }
            }
            line.Append('"');
        }
        return line.ToString();
    }

    private static string Json(List<KeyValuePair<string, string>> pairs)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in pairs) json.WriteString(key, value);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
