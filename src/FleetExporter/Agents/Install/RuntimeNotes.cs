using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FleetExporter.Agents.Install;

/// <summary>
/// One-line notes about settings outside the file install writes that would keep the hooks from running.
/// Only read, never edited: fleet-exporter does not rewrite TOML or settings it did not write.
/// </summary>
public static partial class RuntimeNotes
{
    /// <summary>
    /// Codex runs hooks unless <c>[features] hooks</c> (or the older <c>codex_hooks</c>) is false; they are on by
    /// default since hooks went GA (0.169 lists <c>hooks stable true</c>). Null when config.toml does not turn them off.
    /// </summary>
    public static string? CodexFeature(string? configToml, string configPath)
    {
        if (configToml is null || !FeatureOff(configToml))
            return null;
        return $"note: {configPath} turns Codex hooks off; for them to run, set `hooks = true` under `[features]` there (`codex_hooks` is its deprecated alias)";
    }

    /// <summary>Codex runs a new or changed hook only after the user trusts it; it asks at its next start.</summary>
    public static string CodexTrust() =>
        "note: Codex asks to review new or changed hooks at its next start: choose \"Trust all and continue\" (or review them with /hooks); untrusted hooks do not run";

    /// <summary>Gemini's <c>hooksConfig.enabled</c> (default true) switches every hook off when false.</summary>
    public static string? GeminiEnabled(JsonObject settings, string path) =>
        settings["hooksConfig"] is JsonObject config && config["enabled"] is JsonValue v && v.TryGetValue<bool>(out var on) && !on
            ? $"note: {path} has hooksConfig.enabled = false, so Gemini runs no hooks; set it to true for these to run"
            : null;

    private static bool FeatureOff(string toml)
    {
        var inFeatures = false;
        foreach (var raw in toml.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.StartsWith('['))
            {
                inFeatures = line.Replace(" ", "") == "[features]";
                continue;
            }
            var m = Assignment().Match(line);
            if (!m.Success || m.Groups["value"].Value != "false")
                continue;
            var key = m.Groups["key"].Value;
            if (inFeatures ? key is "hooks" or "codex_hooks" : key is "features.hooks" or "features.codex_hooks")
                return true;
        }
        return false;
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9_.]+)\s*=\s*(?<value>\S+)$")]
    private static partial Regex Assignment();
}
