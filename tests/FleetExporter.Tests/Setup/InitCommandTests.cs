using FleetExporter.Roster;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Setup;

/// <summary><c>fleet-exporter init</c> run as the real binary against a private HOME.</summary>
public sealed class InitCommandTests
{
    private const int Timeout = 120_000;

    private static Task<ProcessOutput> Init(TempDirectory home, params string[] args) => InitWithPath(home, Environment.GetEnvironmentVariable("PATH"), args);

    private static Task<ProcessOutput> InitWithPath(TempDirectory home, string? path, params string[] args) =>
        FleetBinary.RunAsync(["init", .. args], env: new Dictionary<string, string?>
        {
            ["HOME"] = home.Path, ["XDG_CONFIG_HOME"] = null, ["XDG_STATE_HOME"] = null, ["FLEET_ROSTER"] = null,
            ["CLAUDE_CONFIG_DIR"] = null, ["CODEX_HOME"] = null, ["GEMINI_CLI_HOME"] = null, ["PI_CODING_AGENT_DIR"] = null,
            ["PATH"] = path,
        });

    private static string Shipped(string name) => File.ReadAllText(RepoPaths.Of("deploy", "systemd", name));

    private static string[] Files(TempDirectory home) =>
        [.. Directory.EnumerateFiles(home.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(home.Path, f)).Order(StringComparer.Ordinal)];

    [Fact(Timeout = Timeout)]
    public async Task A_dry_run_prints_every_file_and_the_next_commands_and_writes_nothing()
    {
        using var home = new TempDirectory();

        var r = await Init(home, "--agent", "a1", "--agent", "a2", "--runtime", "claude", "--run", "claude", "--dir", "/srv/work", "--dry-run");

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Empty(Files(home));
        var config = Path.Combine(home.Path, ".config");
        Assert.Contains($"==> {config}/fleet/roster.yaml: the roster\n", r.StandardOutput);
        Assert.Contains($"==> {config}/systemd/user/fleet-tmux.service: the unit that owns the fleet's tmux server\n" + Shipped("fleet-tmux.service"), r.StandardOutput);
        Assert.Contains($"==> {config}/systemd/user/fleet-agent@.service: the agents' unit template\n" + Shipped("fleet-agent@.service"), r.StandardOutput);
        Assert.Contains($"==> {config}/fleet/agents/a1.env: what fleet-agent@a1.service runs\n", r.StandardOutput);
        Assert.Contains("FLEET_COMMAND=\"claude\"\nFLEET_DIR=\"/srv/work\"\n", r.StandardOutput);
        Assert.Contains($"==> {config}/fleet/agents/a2.env", r.StandardOutput);
        Assert.Contains($"==> {home.Path}/.claude/settings.json: claude's settings", r.StandardOutput);
        // Without --agent the hook reports as $FLEET_AGENT, which the unit sets per agent.
        Assert.Contains("\"command\": \"fleet-exporter hook --runtime claude\"", r.StandardOutput);
        Assert.Contains("dry run, nothing written", r.StandardError);
        Assert.Contains("systemctl --user daemon-reload", r.StandardError);
        Assert.Contains("systemctl --user enable --now fleet-agent@a1.service fleet-agent@a2.service", r.StandardError);
        Assert.Contains("loginctl enable-linger", r.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task Init_writes_a_roster_that_loads_with_the_units_defaults_and_a_second_run_changes_nothing()
    {
        using var home = new TempDirectory();

        var first = await Init(home, "--agent", "a1", "--runtime", "codex", "--run", "codex --full-auto", "--dir", "/srv/work");
        var second = await Init(home, "--agent", "a1", "--runtime", "codex", "--run", "codex --full-auto", "--dir", "/srv/work");

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Equal([".codex/hooks.json", ".config/fleet/agents/a1.env", ".config/fleet/roster.yaml",
            ".config/systemd/user/fleet-agent@.service", ".config/systemd/user/fleet-tmux.service"], Files(home));
        Assert.Equal(Shipped("fleet-agent@.service"), File.ReadAllText(home.File(".config/systemd/user/fleet-agent@.service")));
        var roster = RosterLoader.LoadFile(home.File(".config/fleet/roster.yaml"));
        var agent = Assert.Single(roster.Agents);
        Assert.Equal(("a1", "codex", "fleet-agent@a1.service", "a1"), (agent.Name, agent.Runtime, agent.Unit, agent.Session));
        Assert.True(agent.HooksInstalled, "init installs codex's hooks, so its roster says hooks: true");
        Assert.Equal(["-L", "default"], roster.Tmux.ServerArguments());
        Assert.Contains("FLEET_COMMAND=\"codex --full-auto\"\n", File.ReadAllText(home.File(".config/fleet/agents/a1.env")));
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains("(exists, unchanged)", second.StandardOutput);
        Assert.DoesNotContain("wrote", second.StandardError);
        Assert.DoesNotContain(Files(home), f => f.EndsWith(".bak", StringComparison.Ordinal));
    }

    [Fact(Timeout = Timeout)]
    public async Task Init_refuses_to_overwrite_a_different_file_lists_it_and_writes_nothing_unless_forced()
    {
        using var home = new TempDirectory();
        var roster = home.Write(".config/fleet/roster.yaml", "agents: []\n");

        var refused = await Init(home, "--agent", "a1");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"1 file(s) exist with other content", refused.StandardError);
        Assert.Contains($"  {roster}\n", refused.StandardError);
        Assert.Contains("(exists, different)", refused.StandardOutput);
        Assert.Equal([".config/fleet/roster.yaml"], Files(home));
        Assert.Equal("agents: []\n", File.ReadAllText(roster));

        var forced = await Init(home, "--agent", "a1", "--force");

        Assert.True(forced.ExitCode == 0, forced.StandardError);
        Assert.Contains("- name: a1", File.ReadAllText(roster));
        Assert.Equal("agents: []\n", File.ReadAllText(roster + ".bak"));
        Assert.True(File.Exists(home.File(".config/systemd/user/fleet-tmux.service")));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_settings_file_the_hook_installer_refuses_stops_init_before_anything_is_written()
    {
        using var home = new TempDirectory();
        home.Write(".claude/settings.json", "{ not json");

        var r = await Init(home, "--agent", "a1", "--runtime", "claude");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("refused, nothing written", r.StandardError);
        Assert.Contains(".claude/settings.json", r.StandardError);
        Assert.Equal([".claude/settings.json"], Files(home));
    }

    [Theory(Timeout = Timeout)]
    [InlineData("--agent", "bad name")]
    [InlineData("--agent", "a1", "--runtime", "nope")]
    [InlineData("--agent", "a1", "--tmux-socket", "a/b")]
    [InlineData("--agent", "a1", "--agent", "a1")]
    [InlineData("--runtime", "claude")]
    public async Task A_bad_command_line_is_exit_code_2_and_writes_nothing(params string[] args)
    {
        using var home = new TempDirectory();

        var r = await Init(home, args);

        Assert.Equal(2, r.ExitCode);
        Assert.Empty(Files(home));
    }

    /// <summary>A FIFO or a device where init would write hung it or ate 1.5 GB: now refused at once, naming the file, nothing written.</summary>
    [Theory(Timeout = Timeout)]
    [InlineData("fifo-roster")]
    [InlineData("dev-zero-roster")]
    [InlineData("fifo-env")]
    public async Task A_FIFO_or_a_device_where_a_file_goes_is_refused_at_once(string kind)
    {
        using var home = new TempDirectory();
        var roster = kind == "dev-zero-roster" ? "/dev/zero" : home.File("fleet/roster.yaml");
        var fifo = kind == "fifo-env" ? home.File(".config/fleet/agents/a1.env") : kind == "fifo-roster" ? roster : null;
        if (fifo is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
            Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [fifo])).ExitCode);
        }

        var r = await Init(home, "--agent", "a1", "--runtime", "claude", "--run", "claude", "--roster", roster, "--dry-run");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(fifo ?? roster, r.StandardError);
        Assert.Contains("not a regular file", r.StandardError);
    }

    /// <summary>A mixed fleet: a second runtime's agents added to the roster init wrote, with their env files and hooks.</summary>
    [Fact(Timeout = Timeout)]
    public async Task Add_puts_another_runtimes_agents_into_the_existing_roster_and_keeps_the_rest()
    {
        using var home = new TempDirectory();
        var first = await Init(home, "--agent", "a1", "--runtime", "claude", "--run", "claude", "--dir", "/srv/work", "--tmux-socket", "fleet");
        var rosterFile = home.File(".config/fleet/roster.yaml");
        File.AppendAllText(rosterFile, "# hand-written: keep me\n");

        var without = await Init(home, "--agent", "x1", "--runtime", "codex", "--dir", "/srv/work");
        var added = await Init(home, "--agent", "x1", "--runtime", "codex", "--dir", "/srv/work", "--add");
        var again = await Init(home, "--agent", "x1", "--runtime", "codex", "--dir", "/srv/work", "--add");

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Equal(1, without.ExitCode);
        Assert.True(added.ExitCode == 0, added.StandardError);
        var roster = RosterLoader.LoadFile(rosterFile);
        Assert.Equal([("a1", "claude"), ("x1", "codex")], roster.Agents.Select(a => (a.Name, a.Runtime)));
        Assert.Equal(["-L", "fleet"], roster.Tmux.ServerArguments());
        Assert.Contains("# hand-written: keep me", File.ReadAllText(rosterFile));
        Assert.Contains("FLEET_COMMAND=\"codex --no-daemon\"", File.ReadAllText(home.File(".config/fleet/agents/x1.env")));
        Assert.True(File.Exists(home.File(".codex/hooks.json")));
        Assert.True(File.Exists(home.File(".claude/settings.json")));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already in the roster", again.StandardError);
    }

    [Fact(Timeout = Timeout)]
    public async Task The_runtime_found_on_PATH_is_written_by_its_full_path_and_one_not_found_by_its_name_codex_without_its_shared_daemon()
    {
        using var home = new TempDirectory();
        using var bin = new TempDirectory();
        var gemini = bin.Write("gemini", "#!/bin/sh\n");
        File.SetUnixFileMode(gemini, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var found = await InitWithPath(home, $"{bin.Path}:{Environment.GetEnvironmentVariable("PATH")}", "--agent", "g1", "--runtime", "gemini", "--dry-run");
        // A PATH of the one folder: the runtime is nowhere on it.
        var notFound = await InitWithPath(home, bin.Path, "--agent", "a1", "--runtime", "codex", "--dry-run");

        Assert.True(found.ExitCode == 0, found.StandardError);
        Assert.Contains($"FLEET_COMMAND=\"{gemini}\"\n", found.StandardOutput);
        Assert.True(notFound.ExitCode == 0, notFound.StandardError);
        // Codex would run every agent's hooks in one daemon, with the first agent's $FLEET_AGENT.
        Assert.Contains("FLEET_COMMAND=\"codex --no-daemon\"\n", notFound.StandardOutput);
    }

    [Fact(Timeout = Timeout)]
    public async Task Another_tmux_socket_goes_into_the_roster_and_both_units()
    {
        using var home = new TempDirectory();

        var r = await Init(home, "--agent", "a1", "--runtime", "aider", "--tmux-socket", "fleet");

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains("aider has no hooks to install", r.StandardError);
        var roster = RosterLoader.LoadFile(home.File(".config/fleet/roster.yaml"));
        Assert.Equal(["-L", "fleet"], roster.Tmux.ServerArguments());
        Assert.False(Assert.Single(roster.Agents).HooksInstalled, "aider has no hooks, so send must not wait for an acknowledgement");
        Assert.Contains("ExecStart=tmux -L fleet -D\n", File.ReadAllText(home.File(".config/systemd/user/fleet-tmux.service")));
        Assert.DoesNotContain("-L default", File.ReadAllText(home.File(".config/systemd/user/fleet-agent@.service")));
    }
}
