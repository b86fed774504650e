using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetExporter.Agents.Install;

/// <summary>A settings file read as a JSON object, and whether (and where) it had comments.</summary>
public sealed record SettingsDocument(JsonObject Root, int? FirstCommentLine);

/// <summary>
/// Reads and writes a runtime's JSON settings. Pure: text in, document or <see cref="SettingsFileException"/>
/// out. Every problem carries the file, line and column, so a user can find it.
/// </summary>
public static class SettingsJson
{
    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        // Keeps quotes, '&' and non-ASCII readable in commands; the file is not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses <paramref name="text"/>; empty or blank text is an empty object (a file just created).</summary>
    public static SettingsDocument Parse(string path, string text, HookRuntime runtime)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new SettingsDocument([], null);
        var options = new JsonDocumentOptions
        {
            CommentHandling = runtime.AllowsComments ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowDuplicateProperties = false,
        };
        JsonNode? root;
        try { root = JsonNode.Parse(text, documentOptions: options); }
        catch (JsonException e)
        {
            throw new SettingsFileException(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1,
                $"not valid JSON{(runtime.AllowsComments ? " (comments allowed)" : "")}: {FirstSentence(e.Message)}");
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        // JSON may spell a string UTF-16 cannot hold ("\ud800"): such a file could be read but never written back.
        try { _ = root?.ToJsonString(Output); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new SettingsFileException(path, 1, 1, "holds a string that is not valid Unicode (a lone surrogate such as \\ud800), which cannot be written back; left as it is");
        }
        if (root is not JsonObject obj)
            throw At(path, bytes, [], runtime, "the settings must be a JSON object");
        if (Validate(obj, runtime) is { } problem)
            throw At(path, bytes, problem.Path, runtime, problem.Message);
        return new SettingsDocument(obj, runtime.AllowsComments ? FirstComment(bytes) : null);
    }

    /// <summary>The file's new text: two-space indented, ending in a newline.</summary>
    public static string Serialize(JsonObject root) => root.ToJsonString(Output) + "\n";

    private sealed record Problem(IReadOnlyList<object> Path, string Message);

    /// <summary>The first place where the hooks are not shaped as the runtime reads them, else null.</summary>
    private static Problem? Validate(JsonObject root, HookRuntime runtime)
    {
        if (!root.TryGetPropertyValue("hooks", out var hooksNode))
            return null;
        if (hooksNode is not JsonObject hooks)
            return new(["hooks"], "\"hooks\" must be an object mapping event names to arrays");
        foreach (var (eventName, eventNode) in hooks)
        {
            if (runtime.NonEventKeys.Contains(eventName))
                continue;
            if (eventNode is not JsonArray groups)
                return new(["hooks", eventName], $"hooks.{eventName} must be an array of {{\"matcher\", \"hooks\"}} objects");
            for (var g = 0; g < groups.Count; g++)
            {
                if (groups[g] is not JsonObject group)
                    return new(["hooks", eventName, g], $"hooks.{eventName}[{g}] must be an object");
                if (!group.TryGetPropertyValue("hooks", out var handlersNode))
                    continue;
                if (handlersNode is not JsonArray handlers)
                    return new(["hooks", eventName, g, "hooks"], $"hooks.{eventName}[{g}].hooks must be an array");
                for (var h = 0; h < handlers.Count; h++)
                {
                    if (handlers[h] is not JsonObject)
                        return new(["hooks", eventName, g, "hooks", h], $"hooks.{eventName}[{g}].hooks[{h}] must be an object");
                }
            }
        }
        return null;
    }

    private static SettingsFileException At(string path, byte[] utf8, IReadOnlyList<object> location, HookRuntime runtime, string message)
    {
        var offset = Locate(utf8, location, runtime.AllowsComments);
        var lineStart = utf8.AsSpan(0, offset).LastIndexOf((byte)'\n') + 1;
        var line = utf8.AsSpan(0, offset).Count((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(utf8.AsSpan(lineStart, offset - lineStart)) + 1;
        return new SettingsFileException(path, line, column, message);
    }

    /// <summary>Byte offset of the value at <paramref name="location"/> (object keys and array indices).</summary>
    private static int Locate(byte[] utf8, IReadOnlyList<object> location, bool comments)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = comments ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow });
        reader.Read();
        foreach (var step in location)
        {
            var found = false;
            if (step is string key && reader.TokenType == JsonTokenType.StartObject)
            {
                while (!found && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    found = reader.ValueTextEquals(key);
                    reader.Read();
                    if (!found)
                        reader.Skip();
                }
            }
            else if (step is int index && reader.TokenType == JsonTokenType.StartArray)
            {
                for (var i = 0; !found && reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                {
                    found = i == index;
                    if (!found)
                        reader.Skip();
                }
            }
            if (!found)
                break;
        }
        return (int)reader.TokenStartIndex;
    }

    private static int? FirstComment(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Comment)
                return utf8.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n') + 1;
        }
        return null;
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " Path: $ | LineNumber: ..."; the position is already in front.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is > 0 and var p ? p : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
