using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Setup;

/// <summary>
/// <c>init --add</c>: new agents appended to the <c>agents:</c> list of an existing roster, as text, so that every
/// other key, comment and agent stays byte for byte as the operator wrote it.
/// </summary>
public static class RosterAddition
{
    /// <exception cref="ArgumentException">The roster has no block list of agents to append to, or already names one of them.</exception>
    public static string Add(string roster, string path, IReadOnlyList<string> agents, string runtime, bool hooks)
    {
        var known = Roster.RosterLoader.Parse(roster, path);
        if (agents.FirstOrDefault(a => known.FindAgent(a) is not null) is { } present)
            throw new ArgumentException($"{path}: agent \"{present}\" is already in the roster");
        var stream = new YamlStream();
        stream.Load(new StringReader(roster));
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        YamlNode? agentsNode = null;
        root?.Children.TryGetValue(new YamlScalarNode("agents"), out agentsNode);
        if (agentsNode is not YamlSequenceNode { Style: not YamlDotNet.Core.Events.SequenceStyle.Flow, Children.Count: > 0 } list)
            throw new ArgumentException($"{path}: --add appends to a block list under `agents:` (\"- name: ...\" lines); this roster has none, so add the agents by hand");

        // The list starts at its first dash.
        var dash = (int)Math.Max(0, list.Start.Column - 1);
        var indent = new string(' ', dash);
        var added = string.Concat(agents.Select(a =>
            $"{indent}- name: {a}\n{indent}  runtime: {runtime}\n" + (hooks ? $"{indent}  hooks: true\n" : "")));

        // After the last line of the last item: its first line, then the lines indented deeper than the dash
        // (blank and comment lines in between are the item's only when more of it follows).
        var rows = roster.Split('\n');
        var last = (int)list.Children[^1].Start.Line - 1;
        for (var i = last + 1; i < rows.Length; i++)
        {
            var text = rows[i].TrimEnd('\r');
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            if (text.Length - trimmed.Length <= dash) break;
            last = i;
        }
        var before = string.Join('\n', rows[..(last + 1)]);
        var after = string.Join('\n', rows[(last + 1)..]);
        return before + "\n" + added + after;
    }
}
