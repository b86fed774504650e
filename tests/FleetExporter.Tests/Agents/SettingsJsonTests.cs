using FleetExporter.Agents.Install;

namespace FleetExporter.Tests.Agents;

/// <summary>Reading a runtime's settings: malformed files are refused with the file, line and column.</summary>
public sealed class SettingsJsonTests
{
    private static SettingsFileException Refused(string text, HookRuntime? runtime = null) =>
        Assert.Throws<SettingsFileException>(() => SettingsJson.Parse("/h/settings.json", text, runtime ?? HookRuntimes.Claude));

    [Fact]
    public void Bad_json_is_refused_with_its_line_and_column()
    {
        var e = Refused("{\n  \"model\": \"x\",\n  \"hooks\": {\n    \"Stop\": [1,\n  }\n}\n");

        Assert.Equal(5, e.Line);
        Assert.Equal(3, e.Column);
        Assert.StartsWith("/h/settings.json:5:3: not valid JSON", e.Message);
    }

    [Fact]
    public void Hooks_that_is_not_an_object_is_refused_where_it_stands()
    {
        var e = Refused("{\n  \"a\": 1,\n  \"hooks\": [\"x\"]\n}");

        Assert.Equal((3, 12), (e.Line, e.Column));
        Assert.Contains("\"hooks\" must be an object", e.Message);
    }

    [Fact]
    public void An_event_that_is_not_an_array_is_refused_and_named()
    {
        var e = Refused("{ \"hooks\": {\n  \"Stop\": [],\n  \"PreToolUse\":\n     { \"matcher\": \"*\" }\n} }");

        Assert.Equal((4, 6), (e.Line, e.Column));
        Assert.Contains("hooks.PreToolUse must be an array", e.Message);
    }

    [Fact]
    public void A_group_or_handler_of_the_wrong_shape_is_refused()
    {
        var group = Refused("{ \"hooks\": { \"Stop\": [ {\"hooks\": []},\n  \"echo\" ] } }");
        var handlers = Refused("{ \"hooks\": { \"Stop\": [\n {\"hooks\": \"echo\"} ] } }");
        var handler = Refused("{ \"hooks\": { \"Stop\": [ {\"hooks\": [\n\n 42 ]} ] } }");

        Assert.Equal((2, 3), (group.Line, group.Column));
        Assert.Contains("hooks.Stop[1] must be an object", group.Message);
        Assert.Equal((2, 12), (handlers.Line, handlers.Column));
        Assert.Contains("hooks.Stop[0].hooks must be an array", handlers.Message);
        Assert.Equal((3, 2), (handler.Line, handler.Column));
    }

    [Fact]
    public void A_root_that_is_not_an_object_and_duplicate_keys_are_refused()
    {
        Assert.Contains("must be a JSON object", Refused("[1]").Message);
        Assert.Contains("Duplicate", Refused("{\"a\": 1, \"a\": 2}").Message);
    }

    [Fact]
    public void Comments_are_refused_for_claude_but_read_for_gemini_which_allows_them()
    {
        const string text = "{\n  \"ui\": {}, // theme later\n  /* hooks */ \"hooks\": { \"enabled\": true }\n}";

        var claude = Refused(text);
        var gemini = SettingsJson.Parse("/h/settings.json", text, HookRuntimes.Gemini);

        Assert.Equal(2, claude.Line);
        Assert.Equal(2, gemini.FirstCommentLine);
        Assert.True(gemini.Root["hooks"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void An_empty_file_is_an_empty_object_and_output_is_indented_with_a_final_newline()
    {
        var doc = SettingsJson.Parse("/h/settings.json", " \n", HookRuntimes.Codex);
        doc.Root["hooks"] = new System.Text.Json.Nodes.JsonObject { ["k"] = "it's \"é\" & <b>" };

        Assert.Null(doc.FirstCommentLine);
        Assert.Equal("{\n  \"hooks\": {\n    \"k\": \"it's \\\"é\\\" & <b>\"\n  }\n}\n", SettingsJson.Serialize(doc.Root));
    }
}
