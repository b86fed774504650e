using System.Text.Json.Nodes;

namespace FleetExporter.Agents.Install;

/// <summary>What a merge did: the new document and how many of our handlers it added, replaced or removed.</summary>
public sealed record MergeResult(JsonObject Root, int Added, int Replaced, int Unchanged, int Removed)
{
    public bool Changed => Added + Replaced + Removed > 0;
}

/// <summary>
/// Puts fleet-exporter's handlers into (and takes them out of) a settings object shaped
/// <c>hooks: { Event: [ { matcher?, hooks: [ { type: "command", command } ] } ] }</c>, the shape Claude Code,
/// Codex and Gemini CLI share. Pure: the input is never modified. Everything that is not ours stays where it
/// is, including other handlers on the same event and in the same group.
/// </summary>
public static class JsonHooksMerge
{
    public static MergeResult Install(JsonObject original, HookRuntime runtime, string command)
    {
        var root = original.DeepClone().AsObject();
        if (root["hooks"] is not JsonObject hooks)
            root["hooks"] = hooks = [];
        int added = 0, replaced = 0, unchanged = 0, removed = 0;
        foreach (var ev in runtime.Events)
        {
            if (hooks[ev.Name] is not JsonArray groups)
                hooks[ev.Name] = groups = [];
            var ours = Ours(groups);
            if (ours.Count == 0)
            {
                groups.Add((JsonNode)NewGroup(ev, command, runtime.HandlerName));  // Add<T> would take the reflection path
                added++;
                continue;
            }
            // Ours is rewritten where it stands: Codex keys its hook trust by position, and the user's order stays.
            var (_, first) = ours[0];
            if (Text(first["type"]) == "command" && Text(first["command"]) == command)
                unchanged++;
            else
            {
                first["type"] = "command";
                first["command"] = command;
                replaced++;
            }
            // A second copy of ours (an older install edited by hand) would run the hook twice.
            removed += RemoveHandlers(groups, ours.Skip(1).Select(o => o.Handler).ToHashSet());
        }
        return new MergeResult(root, added, replaced, unchanged, removed);
    }

    /// <summary>Removes every handler of ours, then the groups, event arrays and hooks object that only ours filled.</summary>
    public static MergeResult Uninstall(JsonObject original)
    {
        var root = original.DeepClone().AsObject();
        if (root["hooks"] is not JsonObject hooks)
            return new MergeResult(root, 0, 0, 0, 0);
        var removed = 0;
        foreach (var (eventName, node) in hooks.ToList())
        {
            if (node is not JsonArray groups)
                continue;
            var count = RemoveHandlers(groups, Ours(groups).Select(o => o.Handler).ToHashSet());
            removed += count;
            if (count > 0 && groups.Count == 0)
                hooks.Remove(eventName);
        }
        if (removed > 0 && hooks.Count == 0)
            root.Remove("hooks");
        return new MergeResult(root, 0, 0, 0, removed);
    }

    private static List<(JsonObject Group, JsonObject Handler)> Ours(JsonArray groups) =>
    [
        .. from g in groups.OfType<JsonObject>()
           where g["hooks"] is JsonArray
           from h in g["hooks"]!.AsArray().OfType<JsonObject>()
           where Text(h["command"]) is { } c && HookCommandLine.IsOurs(c)
           select (g, h),
    ];

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Removes the given handlers; a group left with no handlers by that goes too (one the user left empty stays).</summary>
    private static int RemoveHandlers(JsonArray groups, IReadOnlySet<JsonObject> doomed)
    {
        if (doomed.Count == 0)
            return 0;
        var removed = 0;
        for (var g = groups.Count - 1; g >= 0; g--)
        {
            if (groups[g] is not JsonObject { } group || group["hooks"] is not JsonArray handlers)
                continue;
            var before = handlers.Count;
            for (var h = handlers.Count - 1; h >= 0; h--)
            {
                if (handlers[h] is JsonObject handler && doomed.Contains(handler))
                    handlers.RemoveAt(h);
            }
            removed += before - handlers.Count;
            if (before > 0 && handlers.Count == 0)
                groups.RemoveAt(g);
        }
        return removed;
    }

    private static JsonObject NewGroup(HookEvent ev, string command, string? name)
    {
        var handler = new JsonObject();
        if (name is not null)
            handler["name"] = name;
        handler["type"] = "command";
        handler["command"] = command;
        var group = new JsonObject();
        if (ev.Matcher is not null)
            group["matcher"] = ev.Matcher;
        group["hooks"] = new JsonArray(handler);
        return group;
    }
}
