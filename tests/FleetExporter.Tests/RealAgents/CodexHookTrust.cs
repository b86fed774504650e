using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Pre-trusts the hooks of a Codex hooks.json, as "Trust all and continue" in Codex's review dialog does:
/// one <c>[hooks.state."&lt;hooks.json&gt;:&lt;event_snake&gt;:&lt;group&gt;:&lt;handler&gt;"]</c> table per handler, whose
/// <c>trusted_hash</c> is <c>sha256:</c> over the compact, key-sorted JSON of
/// <c>{"event_name", "hooks": [handler with async=false and timeout=600 (SessionEnd: 1) filled in], "matcher"?}</c>
/// (codex-rs, checked against the hashes Codex 0.169.0 wrote itself).
/// </summary>
public static class CodexHookTrust
{
    public static string StateToml(string hooksJsonPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(hooksJsonPath))?["hooks"] as JsonObject;
        if (root is null) return "";
        var toml = new StringBuilder();
        foreach (var (eventName, groups) in root)
        {
            if (groups is not JsonArray groupArray) continue;
            for (var g = 0; g < groupArray.Count; g++)
            {
                if (groupArray[g]?["hooks"] is not JsonArray handlers) continue;
                var matcher = groupArray[g]?["matcher"]?.GetValue<string>();
                for (var h = 0; h < handlers.Count; h++)
                {
                    if (handlers[h] is not JsonObject handler) continue;
                    var key = $"{hooksJsonPath}:{SnakeCase(eventName)}:{g}:{h}";
                    toml.Append($"\n[hooks.state.{TomlString(key)}]\ntrusted_hash = \"{Hash(SnakeCase(eventName), matcher, handler)}\"\n");
                }
            }
        }
        return toml.ToString();
    }

    public static string Hash(string eventSnake, string? matcher, JsonObject handler)
    {
        var normalized = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["async"] = false,
            // Codex gives SessionEnd hooks 1 s unless told otherwise (found by matching the hash Codex wrote).
            ["timeout"] = eventSnake == "session_end" ? 1 : 600,
        };
        foreach (var (name, value) in handler) normalized[name] = value?.DeepClone();
        var identity = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["event_name"] = eventSnake,
            ["hooks"] = new JsonArray(ToObject(normalized)),
        };
        if (matcher is not null) identity["matcher"] = matcher;
        var canonical = Canonical(ToObject(identity));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static JsonObject ToObject(SortedDictionary<string, JsonNode?> sorted)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in sorted) obj[k] = v;
        return obj;
    }

    /// <summary>serde_json's compact form with sorted keys: strings escape only quote, backslash and controls.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonString(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        JsonValue v when v.TryGetValue<string>(out var s) => JsonString(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => node.ToJsonString(),
    };

    private static string JsonString(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return b.Append('"').ToString();
    }

    private static string TomlString(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string SnakeCase(string pascal)
    {
        var b = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) b.Append('_');
            b.Append(char.ToLowerInvariant(pascal[i]));
        }
        return b.ToString();
    }
}
