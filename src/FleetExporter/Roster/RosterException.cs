using FleetExporter.Text;

namespace FleetExporter.Roster;

/// <summary>
/// A roster that cannot be used; the message names the file, line and key. It is printed to terminals and logs,
/// so any control character in it (from the file's name or content) is escaped here, once for every caller.
/// </summary>
public sealed class RosterException(string file, int line, string key, string problem)
    : Exception(Printable.Escape(line > 0 ? $"{file}:{line}: {key}: {problem}" : $"{file}: {key}: {problem}"))
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Key { get; } = key;
    public string Problem { get; } = problem;
}
