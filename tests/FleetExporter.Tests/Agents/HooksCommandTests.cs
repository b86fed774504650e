using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary><c>fleet-exporter hooks install|uninstall</c> run as the real binary against a private HOME.</summary>
public sealed class HooksCommandTests
{
    private const int Timeout = 120_000;

    private const string UserClaudeSettings = "{\n    \"model\": \"opus\",\n    \"hooks\": {\n        \"Stop\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"notify-send done\" } ] } ]\n    }\n}\n";

    private static Task<Subprocess.ProcessOutput> Fleet(TempDirectory home, params string[] args) =>
        FleetBinary.RunAsync(args, env: new Dictionary<string, string?>
        {
            ["HOME"] = home.Path, ["CODEX_HOME"] = null, ["CLAUDE_CONFIG_DIR"] = null, ["GEMINI_CLI_HOME"] = null,
            ["PI_CODING_AGENT_DIR"] = null, ["FLEET_ROSTER"] = null,
        });

    private static JsonObject Json(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    private static List<string> Commands(JsonObject root, string ev) =>
        [.. root["hooks"]![ev]!.AsArray().SelectMany(g => g!["hooks"]!.AsArray()).Select(h => h!["command"]!.GetValue<string>())];

    [Fact(Timeout = Timeout)]
    public async Task Install_creates_the_claude_settings_and_a_second_install_changes_nothing()
    {
        using var home = new TempDirectory();
        var settings = home.File(".claude/settings.json");

        var first = await Fleet(home, "hooks", "install", "claude", "--agent", "b1");
        var firstBytes = File.ReadAllBytes(settings);
        var second = await Fleet(home, "hooks", "install", "claude", "--agent", "b1");

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Equal("", first.StandardOutput);
        Assert.Contains($"claude hooks installed (15 added, 0 replaced) in {settings}", first.StandardError);
        Assert.Contains("`hooks: true`", first.StandardError);
        var root = Json(settings);
        Assert.Equal(["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest",
            "Notification", "Stop", "StopFailure", "Elicitation", "ElicitationResult", "SubagentStart", "SubagentStop", "PreCompact", "SessionEnd"], root["hooks"]!.AsObject().Select(p => p.Key));
        // Run as `dotnet fleet-exporter.dll`, this process is not the apphost: the hook runs fleet-exporter from PATH.
        Assert.Equal(["fleet-exporter hook --runtime claude b1"], Commands(root, "PermissionRequest"));
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains($"claude hooks already installed in {settings}", second.StandardError);
        Assert.Equal(firstBytes, File.ReadAllBytes(settings));
        Assert.False(File.Exists(settings + ".bak"));
    }

    /// <summary>
    /// Settings that could be read but not written back as they were: bytes that are not UTF-8 (silently U+FFFD
    /// before) and a lone surrogate spelled in JSON (a trace and exit 1 before). Refused with exit 2, left byte for byte.
    /// </summary>
    [Theory(Timeout = Timeout)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'m', (byte)'"', (byte)':', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)'}', (byte)'\n' }, "not valid UTF-8")]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'m', (byte)'"', (byte)':', (byte)'"', (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0', (byte)'"', (byte)'}', (byte)'\n' }, "lone surrogate")]
    public async Task Settings_that_could_not_be_written_back_as_they_are_are_refused_untouched(byte[] content, string why)
    {
        using var home = new TempDirectory();
        var settings = home.File(".claude/settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        File.WriteAllBytes(settings, content);

        var r = await FleetBinary.RunAsync(["hooks", "install", "claude", "--settings", settings], env: new Dictionary<string, string?> { ["HOME"] = home.Path });

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains(why, r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.Equal(content, File.ReadAllBytes(settings));
    }

    [Fact(Timeout = Timeout)]
    public async Task Install_keeps_the_users_settings_backs_them_up_and_uninstall_gives_them_back()
    {
        using var home = new TempDirectory();
        var settings = home.Write(".claude/settings.json", UserClaudeSettings);
        var roster = home.Write("fleet/roster.yaml", "agents: []\n");

        var install = await Fleet(home, "hooks", "install", "claude", "--command", "/opt/my fleet/fleet-exporter", "--roster", roster);
        var installed = Json(settings);
        var backupAfterInstall = File.ReadAllText(settings + ".bak");
        var uninstall = await Fleet(home, "hooks", "uninstall", "claude");

        Assert.True(install.ExitCode == 0, install.StandardError);
        Assert.Equal(UserClaudeSettings, backupAfterInstall);
        Assert.Equal("opus", installed["model"]!.GetValue<string>());
        Assert.Equal(["notify-send done", $"'/opt/my fleet/fleet-exporter' hook --runtime claude --roster {roster}"], Commands(installed, "Stop"));
        Assert.True(uninstall.ExitCode == 0, uninstall.StandardError);
        Assert.Contains($"15 claude hooks removed from {settings}", uninstall.StandardError);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(UserClaudeSettings), Json(settings)), File.ReadAllText(settings));
        // No backup is overwritten: .bak keeps the user's file from before any of our writes, .bak.1 the installed one.
        Assert.Equal(["settings.json", "settings.json.bak", "settings.json.bak.1"], Directory.GetFiles(home.File(".claude")).Select(Path.GetFileName).Order());
        Assert.Equal(UserClaudeSettings, File.ReadAllText(settings + ".bak"));
        Assert.Contains($"previous file kept as {settings}.bak.1", uninstall.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_home_that_does_not_exist_yet_gets_the_settings_never_the_current_directory()
    {
        using var dir = new TempDirectory();
        var home = dir.File("new-user");
        var settings = Path.Combine(home, ".claude", "settings.json");
        var stray = Path.Combine(Environment.CurrentDirectory, ".claude", "settings.json");
        Assert.False(File.Exists(stray), $"{stray} exists before the test");

        var r = await FleetBinary.RunAsync(["hooks", "install", "claude"], env: new Dictionary<string, string?> { ["HOME"] = home, ["CLAUDE_CONFIG_DIR"] = null });

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains($"claude hooks installed (15 added, 0 replaced) in {settings}", r.StandardError);
        Assert.True(File.Exists(settings), r.StandardError);
        Assert.False(File.Exists(stray), $"wrote {stray}");
    }

    [Fact(Timeout = Timeout)]
    public async Task A_linked_settings_file_stays_a_link_and_its_target_gets_the_hooks()
    {
        using var home = new TempDirectory();
        var target = home.Write("dotfiles/claude.json", UserClaudeSettings);
        Directory.CreateDirectory(home.File(".claude"));
        File.CreateSymbolicLink(home.File(".claude/settings.json"), target);

        var r = await Fleet(home, "hooks", "install", "claude");

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal(target, new FileInfo(home.File(".claude/settings.json")).LinkTarget);
        Assert.Equal(["notify-send done", "fleet-exporter hook --runtime claude"], Commands(Json(target), "Stop"));
        Assert.Equal(UserClaudeSettings, File.ReadAllText(target + ".bak"));
    }

    [Fact(Timeout = Timeout)]
    public async Task Dry_run_prints_the_result_and_writes_nothing()
    {
        using var home = new TempDirectory();
        var settings = home.Write(".claude/settings.json", UserClaudeSettings);

        var existing = await Fleet(home, "hooks", "install", "claude", "--dry-run", "--agent", "b1");
        var missing = await Fleet(home, "hooks", "install", "gemini", "--dry-run");

        Assert.True(existing.ExitCode == 0, existing.StandardError);
        Assert.Contains("dry run, nothing written", existing.StandardError);
        var printed = JsonNode.Parse(existing.StandardOutput)!.AsObject();
        Assert.Equal(["notify-send done", "fleet-exporter hook --runtime claude b1"], Commands(printed, "Stop"));
        Assert.Equal(UserClaudeSettings, File.ReadAllText(settings));
        Assert.Equal(["settings.json"], Directory.GetFiles(home.File(".claude")).Select(Path.GetFileName));
        Assert.True(missing.ExitCode == 0, missing.StandardError);
        Assert.Equal(7, JsonNode.Parse(missing.StandardOutput)!["hooks"]!.AsObject().Count);
        Assert.False(Directory.Exists(home.File(".gemini")));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_malformed_settings_file_is_refused_with_file_and_line_and_left_byte_identical()
    {
        using var home = new TempDirectory();
        const string bad = "{\n  \"hooks\": {\n    \"Stop\": { \"hooks\": [] }\n  }\n}\n";
        var settings = home.Write("elsewhere/claude.json", bad);
        var broken = home.Write("broken.json", "{ \"hooks\": {\n  \"Stop\": [,]\n} }");
        var before = File.ReadAllBytes(settings);

        var install = await Fleet(home, "hooks", "install", "claude", "--settings", settings);
        var uninstall = await Fleet(home, "hooks", "uninstall", "claude", "--settings", settings);
        var syntax = await Fleet(home, "hooks", "install", "codex", "--settings", broken);

        Assert.Equal(2, install.ExitCode);
        Assert.Contains($"{settings}:3:13: hooks.Stop must be an array", install.StandardError);
        Assert.Equal(2, uninstall.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(settings));
        Assert.Equal(2, syntax.ExitCode);
        Assert.Contains($"{broken}:2:12: not valid JSON", syntax.StandardError);
        Assert.Equal(["broken.json", "elsewhere"], Directory.GetFileSystemEntries(home.Path).Select(Path.GetFileName).Order());
        Assert.Equal(["claude.json"], Directory.GetFiles(home.File("elsewhere")).Select(Path.GetFileName));
    }

    [Theory(Timeout = Timeout)]
    [InlineData("a FIFO", "is a FIFO, not a settings file")]
    [InlineData("/dev/zero", "is a character device, not a settings file")]
    [InlineData("a directory", "is a directory, not a settings file")]
    [InlineData("5 MB", "is larger than 4194304 bytes")]
    [InlineData("UTF-16", "")]
    public async Task A_settings_file_that_is_no_small_regular_file_is_refused_at_once(string kind, string says)
    {
        using var home = new TempDirectory();
        var settings = home.File(".claude/settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        switch (kind)
        {
            case "a FIFO": System.Diagnostics.Process.Start("mkfifo", [settings])!.WaitForExit(); break;
            case "/dev/zero": File.CreateSymbolicLink(settings, "/dev/zero"); break;
            case "a directory": Directory.CreateDirectory(settings); break;
            case "5 MB": File.WriteAllText(settings, "{\"a\": \"" + new string('x', 5 << 20) + "\"}"); break;
            default: File.WriteAllText(settings, "{\"model\": \"opus\"}", System.Text.Encoding.Unicode); break;
        }

        var r = await FleetBinary.RunAsync(["hooks", "install", "claude", "--dry-run"], env: new Dictionary<string, string?> { ["HOME"] = home.Path, ["CLAUDE_CONFIG_DIR"] = null },
            timeout: TimeSpan.FromSeconds(30));

        if (says.Length == 0)
        {
            // A byte-order mark still tells the encoding, as File.ReadAllText did.
            Assert.True(r.ExitCode == 0, r.StandardError);
            Assert.Equal("opus", JsonNode.Parse(r.StandardOutput)!["model"]!.GetValue<string>());
            return;
        }
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StandardError[..Math.Min(500, r.StandardError.Length)]}");
        Assert.Contains($"{settings}:1:1: {says}", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task Codex_hooks_go_to_codex_home_with_notes_on_the_feature_switch_and_trust()
    {
        using var home = new TempDirectory();
        var codexHome = home.File("codex-home");
        home.Write("codex-home/config.toml", "model = \"m\"\n[features]\nhooks = false\n");

        var r = await FleetBinary.RunAsync(["hooks", "install", "codex", "--agent", "c1"],
            env: new Dictionary<string, string?> { ["HOME"] = home.Path, ["CODEX_HOME"] = codexHome });

        Assert.True(r.ExitCode == 0, r.StandardError);
        var root = Json(Path.Combine(codexHome, "hooks.json"));
        Assert.Equal(["SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "Stop", "SessionEnd"], root["hooks"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["fleet-exporter hook --runtime codex c1"], Commands(root, "Stop"));
        Assert.Contains($"{codexHome}/config.toml turns Codex hooks off", r.StandardError);
        Assert.Contains("Trust all and continue", r.StandardError);
        Assert.Equal("model = \"m\"\n[features]\nhooks = false\n", File.ReadAllText(Path.Combine(codexHome, "config.toml")));
    }

    [Fact(Timeout = Timeout)]
    public async Task Gemini_settings_with_comments_are_read_and_the_dropped_comments_are_announced_and_backed_up()
    {
        using var home = new TempDirectory();
        const string original = "{\n  // chosen by hand\n  \"ui\": { \"theme\": \"Default\" },\n  \"hooks\": { \"BeforeTool\": [ { \"matcher\": \"write_file\", \"hooks\": [ { \"type\": \"command\", \"command\": \"guard.sh\" } ] } ] }\n}\n";
        var settings = home.Write(".gemini/settings.json", original);

        var install = await Fleet(home, "hooks", "install", "gemini");
        var backup = File.ReadAllText(settings + ".bak");
        var uninstall = await Fleet(home, "hooks", "uninstall", "gemini");

        Assert.True(install.ExitCode == 0, install.StandardError);
        Assert.Contains($"note: {settings} has comments (the first on line 2)", install.StandardError);
        Assert.Equal(original, backup);
        Assert.True(uninstall.ExitCode == 0, uninstall.StandardError);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"ui\":{\"theme\":\"Default\"},\"hooks\":{\"BeforeTool\":[{\"matcher\":\"write_file\",\"hooks\":[{\"type\":\"command\",\"command\":\"guard.sh\"}]}]}}"), Json(settings)));
        Assert.DoesNotContain("//", File.ReadAllText(settings));
    }

    [Fact(Timeout = Timeout)]
    public async Task Pi_gets_an_extension_file_that_uninstall_removes_and_a_foreign_file_is_never_touched()
    {
        using var home = new TempDirectory();
        var extension = home.File(".pi/agent/extensions/fleet-exporter.ts");

        var install = await Fleet(home, "hooks", "install", "pi", "--agent", "p1");
        var text = File.ReadAllText(extension);
        var again = await Fleet(home, "hooks", "install", "pi", "--agent", "p1");
        var uninstall = await Fleet(home, "hooks", "uninstall", "pi");
        var foreign = home.Write(".pi/agent/extensions/fleet-exporter.ts", "export default function (pi) {}\n");
        var refusedInstall = await Fleet(home, "hooks", "install", "pi");
        var refusedUninstall = await Fleet(home, "hooks", "uninstall", "pi");

        Assert.True(install.ExitCode == 0, install.StandardError);
        Assert.Contains("""const COMMAND: string[] = ["fleet-exporter","hook","--runtime","pi","p1"];""", text);
        Assert.Contains("pi hooks already installed", again.StandardError);
        Assert.True(uninstall.ExitCode == 0, uninstall.StandardError);
        Assert.Equal(2, refusedInstall.ExitCode);
        Assert.Equal(2, refusedUninstall.ExitCode);
        Assert.Contains("not written by fleet-exporter", refusedUninstall.StandardError);
        Assert.Equal("export default function (pi) {}\n", File.ReadAllText(foreign));
    }

    [Fact(Timeout = Timeout)]
    public async Task Bad_runtimes_and_agent_names_exit_2_and_the_help_documents_exit_codes()
    {
        using var home = new TempDirectory();

        var runtime = await Fleet(home, "hooks", "install", "cursor");
        var agent = await Fleet(home, "hooks", "install", "claude", "--agent", "a b");
        var help = await Fleet(home, "hooks", "install", "--help");

        Assert.Equal(2, runtime.ExitCode);
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains("--agent \"a b\" is not a roster agent name", agent.StandardError);
        Assert.Empty(Directory.GetFileSystemEntries(home.Path));
        Assert.Contains("Exit codes:\n  0  done (also: already installed, nothing to remove)\n", help.StandardOutput);
    }
}
