using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FleetExporter.Text;

/// <summary>
/// How deep a YAML text nests, found before YamlDotNet's representation model loads it: that model builds nested
/// nodes by recursion, so 40,000 '[' overflow the stack (a crash no handler can catch). The event parser is not
/// recursive, so counting with it first is safe.
/// </summary>
public static class YamlDepth
{
    /// <summary>Every file the exporter reads needs a handful of levels; depth costs stack.</summary>
    public const int Max = 64;

    /// <summary>The line where nesting first goes deeper than <paramref name="max"/>, or null when it never does.</summary>
    /// <exception cref="YamlException">The text is no YAML (as loading it would say).</exception>
    public static int? FirstLineDeeperThan(string yaml, int max = Max)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is SequenceEnd or MappingEnd) depth--;
            else if (parser.Current is SequenceStart or MappingStart && ++depth > max) return (int)parser.Current.Start.Line;
        }
        return null;
    }
}
