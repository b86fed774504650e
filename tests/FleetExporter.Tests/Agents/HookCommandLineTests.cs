using FleetExporter.Agents.Install;

namespace FleetExporter.Tests.Agents;

/// <summary>The hook command line, pi's extension text, and the notes about runtime switches.</summary>
public sealed class HookCommandLineTests
{
    [Fact]
    public void The_command_line_quotes_for_sh_only_what_needs_it()
    {
        var line = HookCommandLine.Create("/opt/my tools/fleet-exporter", "claude", "b1", "/home/o'neil/roster.yaml");

        Assert.Equal("'/opt/my tools/fleet-exporter' hook --runtime claude b1 --roster '/home/o'\\''neil/roster.yaml'", line.ShellLine);
        Assert.True(HookCommandLine.IsOurs(line.ShellLine));
        Assert.Equal("fleet-exporter hook --runtime pi", HookCommandLine.Create("fleet-exporter", "pi", null, null).ShellLine);
        Assert.Equal("''", HookCommandLine.ShellQuote(""));
        Assert.Equal("'$HOME;rm'", HookCommandLine.ShellQuote("$HOME;rm"));
    }

    /// <summary>Ours by exact shape, not by a substring: a user's own hook that mentions " hook --runtime " stays theirs.</summary>
    [Theory]
    [InlineData("fleet-exporter hook --runtime claude", true)]
    [InlineData("/opt/fleet-exporter hook --runtime codex b1", true)]
    [InlineData("'/opt/my fleet/fleet-exporter' hook --runtime gemini --roster '/home/o'\\''neil/r.yaml'", true)]
    [InlineData("/usr/bin/fleet-exporter hook --runtime pi b1 --roster /r.yaml", true)]
    [InlineData("/home/op/.local/bin/fleet-exporter-hook hook --runtime claude", true)]
    [InlineData("fleet-exporter-hook hook --runtime codex b1 --roster /r.yaml", true)]
    [InlineData("fleet-exporter-hooks hook --runtime claude", false)]
    [InlineData("my-logger hook --runtime claude", false)]
    [InlineData("fleet-exporter hook --runtime claude && notify-send done", false)]
    [InlineData("fleet-exporter hook --runtime claude b1 --verbose", false)]
    [InlineData("fleet-exporter hook --runtime nosuch", false)]
    [InlineData("echo 'fleet-exporter hook --runtime claude'", false)]
    [InlineData("FOO=1 fleet-exporter hook --runtime claude", false)]
    [InlineData("fleet-exporter hook --runtime claude \"b1\"", false)]
    public void A_command_is_ours_only_in_the_exact_shape_install_writes(string command, bool ours)
    {
        Assert.Equal(ours, HookCommandLine.IsOurs(command));
    }

    [Fact]
    public void The_quoted_line_gives_sh_back_the_same_words()
    {
        string[] words = ["/tmp/a b/fleet-exporter", "hook", "--runtime", "codex", "it's", "$x `y` \"z\" \\ é"];
        var line = string.Join(' ', words.Select(HookCommandLine.ShellQuote));

        var psi = new System.Diagnostics.ProcessStartInfo("sh", ["-c", "printf '%s\\n' " + line]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        Assert.Equal(string.Join('\n', words) + "\n", output);
    }

    [Fact]
    public void The_executable_is_the_given_one_else_the_apphost_else_fleet_exporter_from_path()
    {
        Assert.Equal("/x/fe", HookCommandLine.ResolveExecutable("/x/fe", "/usr/bin/dotnet"));
        Assert.Equal(Path.GetFullPath("bin/fe"), HookCommandLine.ResolveExecutable("bin/fe", null));
        Assert.Equal("/opt/fleet/fleet-exporter", HookCommandLine.ResolveExecutable(null, "/opt/fleet/fleet-exporter"));
        Assert.Equal("fleet-exporter", HookCommandLine.ResolveExecutable(null, "/usr/bin/dotnet"));
    }

    [Fact]
    public void The_hook_binary_beside_the_apphost_is_preferred_when_it_can_run_and_is_this_release()
    {
        using var dir = new Infrastructure.TempDirectory();
        var exporter = dir.Write("fleet-exporter", "");
        string? Release(string _) => FleetExporter.Telemetry.BuildInfo.Informational;
        Assert.Equal(exporter, HookCommandLine.ResolveExecutable(null, exporter, versionOf: Release));

        var hook = dir.Write(HookBinary.Name, "");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(exporter, HookCommandLine.ResolveExecutable(null, exporter, versionOf: Release)); // not executable: not used

        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(hook, HookCommandLine.ResolveExecutable(null, exporter, versionOf: Release));
        Assert.Equal("/x/fleet-exporter", HookCommandLine.ResolveExecutable("/x/fleet-exporter", exporter, versionOf: Release)); // one given wins
        Assert.Equal("fleet-exporter", HookCommandLine.ResolveExecutable(null, "/usr/bin/dotnet", versionOf: Release));

        // One of another release (only fleet-exporter upgraded), or one that does not run (this empty file): passed over, and said.
        var error = new StringWriter();
        Assert.Equal(exporter, HookCommandLine.ResolveExecutable(null, exporter, error, _ => "0.0.9+abc"));
        Assert.Contains("version \"0.0.9+abc\"", error.ToString());
        Assert.Contains("install both binaries of one release", error.ToString());
        error = new StringWriter();
        Assert.Equal(exporter, HookCommandLine.ResolveExecutable(null, exporter, error));
        Assert.Contains("it printed no version", error.ToString());
    }

    [Fact]
    public void Agent_names_follow_the_roster_rule()
    {
        Assert.True(HookCommandLine.IsValidAgentName("builder-1"));
        Assert.False(HookCommandLine.IsValidAgentName("-x"));
        Assert.False(HookCommandLine.IsValidAgentName("a b"));
    }

    [Fact]
    public void Pi_extension_subscribes_to_each_event_and_embeds_the_argv_as_json()
    {
        var text = PiExtension.Render(HookCommandLine.Create("/o/fleet-exporter", "pi", "p1", null), HookRuntimes.Pi.Events);

        Assert.True(PiExtension.IsOurs(text));
        Assert.False(PiExtension.IsOurs("export default function (pi) {}\n" + PiExtension.Marker));
        Assert.Contains("""const COMMAND: string[] = ["/o/fleet-exporter","hook","--runtime","pi","p1"];""", text);
        Assert.Contains("""const EVENTS = ["session_start","input","before_agent_start","agent_start","turn_start","turn_end","tool_call","tool_result","agent_end","session_shutdown"];""", text);
        Assert.Contains("pi.on(name, (event: any, ctx: any) => {\n      report(name, event, ctx);", text);
        // pi awaits its session_shutdown handlers: the hooks still queued then start before it goes on.
        Assert.Contains("if (name === \"session_shutdown\") return flushed();", text);
        Assert.Contains("detached: true, stdio: [\"pipe\", \"ignore\", \"ignore\"]", text);
        Assert.Contains("child.unref();", text);
    }

    [Fact]
    public void Codex_note_only_when_config_toml_turns_hooks_off()
    {
        Assert.Null(RuntimeNotes.CodexFeature(null, "/c/config.toml"));
        Assert.Null(RuntimeNotes.CodexFeature("model = \"x\"\n[features]\nhooks = true\n", "/c/config.toml"));
        Assert.Null(RuntimeNotes.CodexFeature("[other]\nhooks = false\n", "/c/config.toml"));
        Assert.Contains("set `hooks = true` under `[features]`", RuntimeNotes.CodexFeature("[features]\nhooks = false # off\n", "/c/config.toml"));
        Assert.NotNull(RuntimeNotes.CodexFeature("[ features ]\ncodex_hooks=false\n", "/c/config.toml"));
        Assert.NotNull(RuntimeNotes.CodexFeature("features.hooks = false\n", "/c/config.toml"));
    }
}
