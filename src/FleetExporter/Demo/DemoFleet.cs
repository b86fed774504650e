using System.Globalization;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Setup;
using FleetExporter.Subprocess;
using FleetExporter.Tmux;

namespace FleetExporter.Demo;

/// <summary>
/// A small sample fleet with one agent in each interesting state, on a private tmux server and, where a systemd
/// user manager answers (or a private one can be started), as real user units. Everything it creates lives under
/// one temporary directory and one unit-name prefix, and <see cref="DisposeAsync"/> removes it all.
/// </summary>
public sealed class DemoFleet : IAsyncDisposable
{
    public static readonly IReadOnlyList<(string Name, string State)> Agents =
    [
        ("healthy", "working: its hooks report a tool call every 5 s; unit enabled"),
        ("idle", "finished its turn and waits for the next prompt: no beats, and rightly no HB-STALE"),
        ("asker", "waiting for a human: its hook reported a permission prompt"),
        ("drifted", "the runtime exited and left a shell in the pane (DRIFT, state stopped)"),
        ("stale", "runtime running, state unknown, heartbeat stopped 5 minutes ago (HB-STALE)"),
        ("no-boot", "healthy but its unit is not enabled, so it will not come back after a reboot (BOOT-ENABLE)"),
    ];

    private readonly List<string> _startedUnits = [];
    private readonly List<string> _unitFiles = [];
    private PrivateUserManager? _manager;
    private string? _tmuxUnit;

    public string Id { get; } = "fleet-demo-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("fleet-demo-").FullName;
    public string RosterPath => Path.Combine(Directory, "roster.yaml");
    public string HeartbeatDirectory => Path.Combine(Directory, "heartbeats");
    public bool WithSystemd { get; private set; }
    public string SystemdNote { get; private set; } = "";

    /// <summary>Environment a shell needs to reach the demo's private user manager, if one was started.</summary>
    public string? ShellEnvironment => _manager is null ? null : $"XDG_RUNTIME_DIR={Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")} ";

    private string Template => Id + "@.service";

    public static async Task<DemoFleet> StartAsync(TextWriter log)
    {
        var fleet = new DemoFleet();
        try
        {
            await fleet.SetUpAsync(log);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(TextWriter log)
    {
        if (ProgramPath.Find("tmux") is null) throw new InvalidOperationException("tmux is not installed (apt-get install tmux)");
        System.IO.Directory.CreateDirectory(HeartbeatDirectory);
        var lingerDir = Path.Combine(Directory, "linger");
        System.IO.Directory.CreateDirectory(lingerDir);
        // The demo is about unit file states; it does not ask you to enable linger, so it records it as on.
        File.WriteAllText(Path.Combine(lingerDir, Environment.UserName), "");
        var agentScript = Path.Combine(Directory, "agent.sh");
        File.WriteAllText(agentScript, AgentScript());
        File.WriteAllText(RosterPath, Roster(lingerDir));

        WithSystemd = await PrivateUserManager.AnswersAsync();
        if (!WithSystemd && PrivateUserManager.CanStart)
        {
            _manager = await PrivateUserManager.StartAsync(Path.Combine(Directory, "xdg-runtime"), Path.Combine(Directory, "xdg-config"), Path.Combine(Directory, "run-systemd"));
            WithSystemd = _manager is not null;
            SystemdNote = WithSystemd ? "a private systemd user manager (none was running)" : "";
        }
        else if (WithSystemd) SystemdNote = "your systemd user manager";

        // The stale agent's one heartbeat was written five minutes ago.
        HeartbeatWriter.Write(Path.Combine(HeartbeatDirectory, "stale.hb"), DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(5), null, "working", null);

        var paneCommand = $"bash -c 'exec -a fleet-demo-agent bash {agentScript} %i'";
        if (WithSystemd)
        {
            // The units every fleet runs (deploy/systemd), named for this demo: its own tmux server and template.
            var layout = UnitLayout.Named(Id + "-tmux.service", Template, ["-L", Id], Path.Combine(Directory, "agents"));
            foreach (var (name, _) in Agents)
                WriteFile(Path.Combine(layout.AgentEnvironmentDirectory, name + ".env"),
                    AgentEnvironmentFile.Render(name, paneCommand.Replace("%i", name, StringComparison.Ordinal), Directory));
            var unitDir = Path.Combine(FleetExporter.Roster.RosterLoader.ConfigHome(), "systemd", "user");
            foreach (var unit in FleetUnits.Render(layout))
            {
                WriteFile(Path.Combine(unitDir, unit.Name), unit.Text);
                _unitFiles.Add(Path.Combine(unitDir, unit.Name));
            }
            _tmuxUnit = layout.TmuxUnit;
            await Systemctl("daemon-reload");
            foreach (var (name, _) in Agents)
            {
                var unit = layout.AgentUnit(name);
                await Systemctl(name == "no-boot" ? "start" : "enable", name == "no-boot" ? unit : "--now", name == "no-boot" ? null : unit);
                _startedUnits.Add(unit);
            }
        }
        else
        {
            SystemdNote = "no systemd user manager (units show as unknown)";
            foreach (var (name, _) in Agents)
                await Tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "40", paneCommand.Replace("%i", name, StringComparison.Ordinal));
        }
        log.WriteLine($"fleet-exporter demo: {Agents.Count} agents on tmux -L {Id}, units via {SystemdNote}; files in {Directory}");
    }

    private string Roster(string lingerDir) => $$"""
        # A demo fleet: one agent in each interesting state.
        tenant: demo
        heartbeat:
          dir: {{HeartbeatDirectory}}
          interval: 5s
        systemd:
          scope: user
          unit_template: "{{Id}}@{name}.service"
          linger_dir: {{lingerDir}}
        tmux:
          socket_name: {{Id}}
        runtimes:
          demo-agent: { commands: [fleet-demo-agent] }
        agents:
        {{string.Join("\n", Agents.Select(a => $"  - {{ name: {a.Name}, runtime: demo-agent }}"))}}
        """;

    /// <summary>One response line of a Claude Code transcript, as a printf format: session, id, turn, then the four token counts.</summary>
    private const string ResponseLine =
        "{\"type\":\"assistant\",\"sessionId\":\"demo-%s\",\"message\":{\"id\":\"msg_%s_%d\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-opus-4-5\"," +
        "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"usage\":{\"input_tokens\":%d,\"output_tokens\":%d,\"cache_read_input_tokens\":%d,\"cache_creation_input_tokens\":%d}}}\\n";

    /// <summary>
    /// What runs in each pane: a stand-in agent that reports through `fleet-exporter hook` as a Claude Code agent's
    /// hooks would (the drifted one's shell keeps beating through `fleet-exporter heartbeat`).
    /// </summary>
    private string AgentScript()
    {
        var self = SelfInvocation();
        return $$"""
            #!/bin/bash
            # fleet-exporter demo agent: $1 is the agent's name.
            fleet=({{string.Join(' ', self.Select(Quote))}})
            roster={{Quote(RosterPath)}}
            beat() { "${fleet[@]}" heartbeat "$1" --roster "$roster" --status "$2" >/dev/null 2>&1; }
            # A transcript as Claude Code writes one, under its own directory: the hooks count what it spends (docs/usage.md).
            export CLAUDE_CONFIG_DIR={{Quote(Path.Combine(Directory, "claude"))}}
            transcript="$CLAUDE_CONFIG_DIR/projects/demo/$1.jsonl"
            mkdir -p "${transcript%/*}"
            n=0
            answer() {
              n=$((n + 1))
              printf {{Quote(ResponseLine)}} "$1" "$1" "$n" $((1200 + n * 37)) $((150 + n * 11)) $((20000 + n * 900)) 300 >> "$transcript"
            }
            hook() { printf '{"session_id":"demo-%s","transcript_path":"%s","hook_event_name":"%s"%s}' "$1" "$transcript" "$2" "${3:+,$3}" | "${fleet[@]}" hook "$1" --runtime claude --roster "$roster" >/dev/null 2>&1; }
            case "$1" in
              idle)
                hook idle UserPromptSubmit '"prompt":"summarise the build log","prompt_id":"demo-1"'
                answer idle
                hook idle Stop
                echo "turn finished; waiting for the next prompt"
                while :; do sleep 3600; done ;;
              asker)
                hook asker UserPromptSubmit '"prompt":"clean the workspace","prompt_id":"demo-2"'
                answer asker
                hook asker PreToolUse '"tool_name":"Bash"'
                hook asker PermissionRequest '"tool_name":"Bash"'
                printf 'Bash command\n  rm -rf build/\nDo you want to proceed?\n> 1. Yes\n  2. No\n'
                while :; do sleep 3600; done ;;
              drifted)
                beat drifted idle
                echo "agent exited; falling back to a shell"
                # A fresh bash (not a subshell, which would keep this script's argv0) keeps the heartbeat going.
                bash -c 'while :; do sleep 5; "$@" >/dev/null 2>&1; done' heartbeat-loop "${fleet[@]}" heartbeat drifted --roster "$roster" --status idle &
                exec bash --norc -i ;;
              stale)
                echo "working (heartbeat hook broken)"
                while :; do sleep 3600; done ;;
              *)
                hook "$1" UserPromptSubmit '"prompt":"build and test","prompt_id":"demo-3"'
                echo "working"
                while :; do answer "$1"; hook "$1" PreToolUse '"tool_name":"Bash"'; sleep 5; done ;;
            esac
            """;
    }

    /// <summary>
    /// How to run this very binary again: the apphost or native binary, or `dotnet x.dll` when started that way
    /// (only a JIT build can be; its assembly sits in the app's base directory).
    /// </summary>
    public static IReadOnlyList<string> SelfInvocation()
    {
        var process = Environment.ProcessPath ?? "fleet-exporter";
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, typeof(DemoFleet).Assembly.GetName().Name + ".dll")]
            : [process];
    }

    private static void WriteFile(string path, string text)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task Systemctl(params string?[] args)
    {
        var r = await ProcessRunner.RunAsync("systemctl", ["--user", "--no-pager", .. args.OfType<string>()], TimeSpan.FromSeconds(20));
        if (r.ExitCode != 0) throw new InvalidOperationException($"systemctl --user {string.Join(' ', args)}: {r.StandardError.Trim()}");
    }

    private async Task Tmux(params string[] args)
    {
        var r = await new TmuxClient(new TmuxSettings(Id, null), timeout: TimeSpan.FromSeconds(10)) { ConfigFile = "/dev/null" }.RunAsync(args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {r.StandardError.Trim()}");
    }

    /// <summary>Each step runs whatever the others did: one hung or failing call must not leave the rest behind.</summary>
    public async ValueTask DisposeAsync()
    {
        if (WithSystemd)
        {
            foreach (var unit in _startedUnits)
                await Step(() => ProcessRunner.RunAsync("systemctl", ["--user", "disable", "--now", unit], TimeSpan.FromSeconds(20)));
            if (_tmuxUnit is not null)
                await Step(() => ProcessRunner.RunAsync("systemctl", ["--user", "stop", _tmuxUnit], TimeSpan.FromSeconds(20)));
            foreach (var file in _unitFiles)
                await Step(() => { File.Delete(file); return Task.CompletedTask; });
            await Step(() => ProcessRunner.RunAsync("systemctl", ["--user", "daemon-reload"], TimeSpan.FromSeconds(20)));
        }
        await Step(() => new TmuxClient(new TmuxSettings(Id, null), timeout: TimeSpan.FromSeconds(5)).RunAsync(["kill-server"]));
        if (_manager is not null) await Step(() => _manager.DisposeAsync().AsTask());
        await Step(() => { System.IO.Directory.Delete(Directory, recursive: true); return Task.CompletedTask; });
    }

    private static async Task Step(Func<Task> step)
    {
        try { await step(); }
        catch (Exception e) when (e is ProcessRunException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fleet-exporter demo: cleanup step failed: {e.Message}");
        }
    }
}
