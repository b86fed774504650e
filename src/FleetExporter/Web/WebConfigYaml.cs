using FleetExporter.Files;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Web;

/// <summary>Reading the web config's YAML nodes; every refusal names the file, the line and the key.</summary>
internal sealed class WebConfigYaml(string file)
{
    public string File => file;

    public WebConfigException Error(YamlNode node, string key, string problem) => new($"{file}:{node.Start.Line}: {key}: {problem}");

    public YamlMappingNode Map(YamlNode node, string key) => node as YamlMappingNode ?? throw Error(node, key, "expected a mapping");

    /// <summary>The mapping's entries as (key name, key node, value node), refusing names outside <paramref name="known"/>; "" names the root.</summary>
    public IEnumerable<(string Name, YamlNode Key, YamlNode Value)> Entries(YamlNode node, string key, IReadOnlyCollection<string> known)
    {
        foreach (var (k, v) in Map(node, key).Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
                throw Error(k, key.Length == 0 ? name : $"{key}.{name}", $"not supported (supported: {string.Join(", ", known)})");
            yield return (name, k, v);
        }
    }

    public string Scalar(YamlNode node, string key) =>
        node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Error(node, key, "expected a value");

    public bool Bool(YamlNode node, string key) => Scalar(node, key) switch
    {
        "true" => true,
        "false" => false,
        var v => throw Error(node, key, $"\"{v}\": expected true or false"),
    };

    public IReadOnlyList<(string Value, YamlNode Node)> List(YamlNode node, string key) =>
        node is YamlSequenceNode seq ? [.. seq.Children.Select(c => (Scalar(c, key), c))]
            : node is YamlScalarNode { Value: null or "" } ? [] : throw Error(node, key, "expected a list");

    /// <summary>Relative paths are relative to the config file, as in the exporter toolkit.</summary>
    public string Resolve(string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, path);

    /// <summary>A small regular file named by the config (a certificate, a key, a CA), an error at the line that names it.</summary>
    public string ReadText(string path, YamlNode node, string key)
    {
        try { return System.Text.Encoding.UTF8.GetString(RegularFile.ReadAll(path)); }
        catch (IOException e) { throw Error(node, key, $"{path}: {e.Message}"); }
    }
}
