using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Architecture;

/// <summary>
/// The rooms of src/FleetExporter (its folders; Sources/X and Agents/X are rooms of their own) depend on each other
/// one way only (docs/architecture.md): a room that uses another is never used by it.
/// </summary>
public sealed partial class RoomDependencyTests
{
    private static string Src => RepoPaths.Of("src", "FleetExporter");

    private static string Room(string relativeNamespaceOrPath)
    {
        var parts = relativeNamespaceOrPath.Split('.', '/');
        return parts[0] is "Sources" or "Agents" && parts.Length > 1 ? parts[0] + "." + parts[1] : parts[0];
    }

    /// <summary>Room → the rooms its files name (by using or by a qualified name).</summary>
    internal static Dictionary<string, SortedSet<string>> Dependencies()
    {
        var deps = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Src, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || !relative.Contains('/')) continue;
            var room = Room(Path.GetDirectoryName(relative)!);
            var text = File.ReadAllText(file);
            var used = Using().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(Qualified().Matches(text).Select(m => m.Groups[1].Value))
                .Select(Room).Where(r => r != room);
            if (!deps.TryGetValue(room, out var set)) deps[room] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.UnionWith(used);
        }
        return deps;
    }

    [Fact]
    public void No_two_rooms_depend_on_each_other()
    {
        var deps = Dependencies();
        var both = deps.SelectMany(kv => kv.Value.Where(other => string.CompareOrdinal(kv.Key, other) < 0
                                                              && deps.GetValueOrDefault(other)?.Contains(kv.Key) == true)
                                              .Select(other => $"{kv.Key} <-> {other}"))
            .ToList();

        Assert.True(deps.Count >= 15, $"only {deps.Count} rooms found under {Src}");
        Assert.True(both.Count == 0, "rooms that depend on each other: " + string.Join(", ", both));
    }

    [Fact]
    public void The_protocol_and_file_rooms_depend_on_no_front_end_or_source()
    {
        var deps = Dependencies();
        string[] high = ["Cli", "Web", "Operator", "Fleet", "Metrics", "Federation", "Setup", "Demo", "Sources.Systemd", "Sources.Tmux", "Sources.Heartbeats", "Sources.Journal", "Sources.Processes"];

        foreach (var low in new[] { "Files", "Heartbeats", "Tmux", "Agents.State", "Text", "Telemetry" })
            Assert.True(!deps.GetValueOrDefault(low, []).Overlaps(high), $"{low} uses {string.Join(", ", deps.GetValueOrDefault(low, []).Intersect(high))}");
    }

    [GeneratedRegex(@"using (?:static )?FleetExporter\.([A-Za-z.]+);")]
    private static partial Regex Using();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.])(?:FleetExporter\.)?((?:Sources|Agents)\.[A-Z][A-Za-z]+|Operator|Fleet|Web|Cli|Metrics|Telemetry|Roster|Federation|Setup|Glance|Files|Heartbeats|Text|Subprocess|Logging|Demo|Otlp|Tmux)\.[A-Z]")]
    private static partial Regex Qualified();
}
