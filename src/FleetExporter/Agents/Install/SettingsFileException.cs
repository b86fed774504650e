namespace FleetExporter.Agents.Install;

/// <summary>A settings file fleet-exporter refuses to change; the message names the file, line and column.</summary>
public sealed class SettingsFileException(string path, int line, int column, string problem)
    : Exception($"{path}:{line}:{column}: {problem}")
{
    public string Path { get; } = path;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Problem { get; } = problem;
}
