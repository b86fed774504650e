namespace FleetExporter.Logging;

public enum LogFormat { Logfmt, Json }

/// <summary>
/// <c>--log.level</c> and <c>--log.format</c> with the names, values and defaults of Prometheus' promslog flags:
/// debug, info, warn, error (info); logfmt, json (logfmt).
/// </summary>
public sealed record LogOptions(LogLevel Level, LogFormat Format)
{
    public static readonly LogOptions Default = new(LogLevel.Information, LogFormat.Logfmt);

    public static readonly IReadOnlyList<string> LevelNames = ["debug", "info", "warn", "error"];
    public static readonly IReadOnlyList<string> FormatNames = ["logfmt", "json"];

    /// <summary>A level name as promslog takes it (in any case); null for anything else.</summary>
    public static LogLevel? ParseLevel(string name) => name.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => null,
    };

    public static LogFormat? ParseFormat(string name) => name switch
    {
        "logfmt" => LogFormat.Logfmt,
        "json" => LogFormat.Json,
        _ => null,
    };

    /// <summary>The name a level is written with: trace counts as debug and critical as error, as promslog has only four.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        <= LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };
}
