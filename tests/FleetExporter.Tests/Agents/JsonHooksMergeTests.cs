using System.Text.Json.Nodes;
using FleetExporter.Agents.Install;

namespace FleetExporter.Tests.Agents;

/// <summary>The pure merge of fleet-exporter's handlers into Claude/Codex/Gemini-shaped settings.</summary>
public sealed class JsonHooksMergeTests
{
    private const string Ours = "/opt/fleet-exporter hook --runtime claude b1";

    private const string UserSettings = """
        {
          "model": "opus",
          "permissions": { "defaultMode": "default" },
          "hooks": {
            "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] } ],
            "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "audit.sh", "timeout": 5 } ] } ],
            "FileChanged": [ { "matcher": "*.md", "hooks": [ { "type": "command", "command": "lint.sh" } ] } ]
          }
        }
        """;

    private static JsonObject Doc(string json) => JsonNode.Parse(json)!.AsObject();

    private static List<string> Commands(JsonObject root, string ev) =>
        [.. root["hooks"]![ev]!.AsArray().SelectMany(g => g!["hooks"]!.AsArray()).Select(h => h!["command"]!.GetValue<string>())];

    /// <summary>A user's own hook whose command merely contains " hook --runtime " was rewritten by install and deleted by uninstall.</summary>
    [Fact]
    public void A_users_hook_that_mentions_our_words_is_neither_rewritten_nor_removed()
    {
        const string theirs = "my-logger hook --runtime claude";
        var doc = Doc("""{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"my-logger hook --runtime claude"}]}]}}""");

        var installed = JsonHooksMerge.Install(doc, HookRuntimes.Claude, Ours).Root;
        var removed = JsonHooksMerge.Uninstall(installed).Root;

        Assert.Equal([theirs, Ours], Commands(installed, "Stop"));
        Assert.Equal([theirs], Commands(removed, "Stop"));
    }

    [Fact]
    public void Install_adds_one_handler_per_event_and_keeps_every_other_key_and_hook()
    {
        var result = JsonHooksMerge.Install(Doc(UserSettings), HookRuntimes.Claude, Ours);

        Assert.Equal(15, result.Added);
        Assert.Equal("opus", result.Root["model"]!.GetValue<string>());
        Assert.Equal("default", result.Root["permissions"]!["defaultMode"]!.GetValue<string>());
        Assert.Equal(["notify-send done", Ours], Commands(result.Root, "Stop"));
        Assert.Equal(["audit.sh", Ours], Commands(result.Root, "PreToolUse"));
        Assert.Equal(["lint.sh"], Commands(result.Root, "FileChanged"));
        Assert.Equal(5, result.Root["hooks"]!["PreToolUse"]![0]!["hooks"]![0]!["timeout"]!.GetValue<int>());
        foreach (var ev in HookRuntimes.Claude.Events)
            Assert.Equal([Ours], Commands(result.Root, ev.Name).Where(HookCommandLine.IsOurs));
    }

    [Fact]
    public void Install_uses_a_match_all_matcher_only_where_the_event_takes_one()
    {
        var root = JsonHooksMerge.Install([], HookRuntimes.Claude, Ours).Root;

        Assert.Equal("*", root["hooks"]!["PreToolUse"]![0]!["matcher"]!.GetValue<string>());
        Assert.Equal("*", root["hooks"]!["Notification"]![0]!["matcher"]!.GetValue<string>());
        Assert.False(root["hooks"]!["UserPromptSubmit"]![0]!.AsObject().ContainsKey("matcher"));
        Assert.False(root["hooks"]!["Stop"]![0]!.AsObject().ContainsKey("matcher"));
        Assert.Equal("command", root["hooks"]!["Stop"]![0]!["hooks"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Installing_twice_changes_nothing()
    {
        var once = JsonHooksMerge.Install(Doc(UserSettings), HookRuntimes.Claude, Ours).Root;

        var twice = JsonHooksMerge.Install(once, HookRuntimes.Claude, Ours);

        Assert.False(twice.Changed);
        Assert.Equal(15, twice.Unchanged);
        Assert.True(JsonNode.DeepEquals(once, twice.Root));
    }

    [Fact]
    public void Reinstall_with_another_agent_replaces_ours_in_place_instead_of_adding_a_second()
    {
        var once = JsonHooksMerge.Install(Doc(UserSettings), HookRuntimes.Claude, Ours).Root;
        // The user adds a hook after ours: ours must keep its position (Codex keys trust by position).
        once["hooks"]!["Stop"]!.AsArray().Add(JsonNode.Parse("""{ "hooks": [ { "type": "command", "command": "later.sh" } ] }"""));
        const string other = "'/my dir/fleet-exporter' hook --runtime claude b2";

        var again = JsonHooksMerge.Install(once, HookRuntimes.Claude, other);

        Assert.Equal(15, again.Replaced);
        Assert.Equal(0, again.Added);
        Assert.Equal(["notify-send done", other, "later.sh"], Commands(again.Root, "Stop"));
        Assert.DoesNotContain(Ours, again.Root.ToJsonString());
    }

    [Fact]
    public void Install_removes_a_duplicate_of_ours_so_the_hook_never_runs_twice()
    {
        var doc = Doc($$"""{ "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "{{Ours}}" }, { "type": "command", "command": "x.sh" } ] }, { "hooks": [ { "type": "command", "command": "{{Ours}} --roster /r.yaml" } ] } ] } }""");

        var result = JsonHooksMerge.Install(doc, HookRuntimes.Claude, Ours);

        Assert.Equal([Ours, "x.sh"], Commands(result.Root, "Stop"));
        Assert.Single(result.Root["hooks"]!["Stop"]!.AsArray());
    }

    [Fact]
    public void Uninstall_is_the_exact_inverse_of_install()
    {
        foreach (var runtime in new[] { HookRuntimes.Claude, HookRuntimes.Codex, HookRuntimes.Gemini })
        {
            foreach (var original in new[] { Doc(UserSettings), [], Doc("""{ "hooks": { "enabled": true }, "x": [1, 2.50, null] }""") })
            {
                var installed = JsonHooksMerge.Install(original, runtime, Ours.Replace("claude", runtime.Name)).Root;
                Assert.False(JsonNode.DeepEquals(original, installed));

                var removed = JsonHooksMerge.Uninstall(installed);

                Assert.True(JsonNode.DeepEquals(original, removed.Root), $"{runtime.Name}: {removed.Root.ToJsonString()}");
            }
        }
    }

    [Fact]
    public void Uninstall_keeps_the_users_handler_in_a_group_it_shares_with_ours_and_empty_groups_the_user_made()
    {
        var doc = Doc($$"""{ "hooks": { "Stop": [ { "hooks": [] }, { "matcher": "", "hooks": [ { "type": "command", "command": "{{Ours}}" }, { "type": "command", "command": "mine.sh" } ] } ] } }""");

        var result = JsonHooksMerge.Uninstall(doc);

        Assert.Equal(1, result.Removed);
        Assert.True(JsonNode.DeepEquals(Doc("""{ "hooks": { "Stop": [ { "hooks": [] }, { "matcher": "", "hooks": [ { "type": "command", "command": "mine.sh" } ] } ] } }"""), result.Root));
    }

    [Fact]
    public void Uninstall_without_our_hooks_changes_nothing_and_never_touches_the_input()
    {
        var doc = Doc(UserSettings);
        var before = doc.ToJsonString();

        var result = JsonHooksMerge.Uninstall(doc);
        JsonHooksMerge.Install(doc, HookRuntimes.Claude, Ours);

        Assert.False(result.Changed);
        Assert.Equal(before, doc.ToJsonString());
    }

    [Fact]
    public void Gemini_handlers_carry_a_name_and_only_tool_events_get_a_matcher()
    {
        var root = JsonHooksMerge.Install([], HookRuntimes.Gemini, Ours).Root;

        Assert.Equal(["SessionStart", "BeforeAgent", "BeforeTool", "AfterTool", "AfterAgent", "Notification", "SessionEnd"],
            root["hooks"]!.AsObject().Select(p => p.Key));
        Assert.Equal("fleet-exporter", root["hooks"]!["BeforeAgent"]![0]!["hooks"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("*", root["hooks"]!["BeforeTool"]![0]!["matcher"]!.GetValue<string>());
        Assert.False(root["hooks"]!["SessionStart"]![0]!.AsObject().ContainsKey("matcher"));
    }

    [Fact]
    public void Codex_gets_its_seven_events()
    {
        var root = JsonHooksMerge.Install([], HookRuntimes.Codex, Ours).Root;

        Assert.Equal(["SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "Stop", "SessionEnd"],
            root["hooks"]!.AsObject().Select(p => p.Key));
    }
}
