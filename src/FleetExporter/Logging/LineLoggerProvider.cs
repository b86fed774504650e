namespace FleetExporter.Logging;

/// <summary>
/// Writes each record as one <see cref="LogLine"/> to a writer (stderr for <c>serve</c>), synchronously and whole, so
/// lines of concurrent requests never interleave. Levels are filtered by the logging builder's rules.
/// </summary>
public sealed class LineLoggerProvider(LogFormat format, TextWriter writer, TimeProvider? clock = null) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly LogFormat _format = format;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose() { }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            provider.Write(LogLine.Format(provider._format, provider._clock.GetUtcNow(), logLevel, category, formatter(state, exception), fields, exception));
        }
    }
}
