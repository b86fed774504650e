using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// A real coding agent (Claude Code, Codex, Gemini CLI or pi) in a session of a private tmux server, fully offline:
/// the pane runs <c>unshare -n</c>, so the agent and its model stub (tests/agents/model-stub.py) share a network
/// namespace that has loopback alone. After the agent exits, the pane keeps a shell, as a terminal would.
/// </summary>
public sealed partial class RealAgent : IAsyncDisposable
{
    /// <summary>The stub listens here inside the agent's own namespace, so every agent can use the same port.</summary>
    public const int StubPort = 8080;

    public const string ModelName = "stub-model";

    /// <summary>What pi is told the stub model costs, USD per million tokens (so that pi records a cost).</summary>
    public static class PiPrice
    {
        public const double Input = 3, Output = 15, CacheRead = 0.3, CacheWrite = 3.75;
    }

    public static string AgentsDirectory { get; } = RepoPaths.Of("tests", ".agents");

    public static string StubScript { get; } = RepoPaths.Of("tests", "agents", "model-stub.py");

    public static string PiRecorderExtension { get; } = RepoPaths.Of("tests", "agents", "pi-recorder.ts");

    public static string AgentsBin(string binary) => Path.Combine(AgentsDirectory, "node_modules", ".bin", binary);

    private readonly TmuxServer _tmux;

    private RealAgent(AgentRuntime runtime, TmuxServer tmux, AgentPaths paths, string session)
    {
        Runtime = runtime;
        _tmux = tmux;
        Paths = paths;
        Session = session;
    }

    public AgentRuntime Runtime { get; }

    public AgentPaths Paths { get; }

    /// <summary>The tmux session (exact target <c>=Session:</c>).</summary>
    public string Session { get; }

    /// <summary>The agent's process (the pane's child; its PID stays through the launch script's execs).</summary>
    public int AgentPid { get; private set; }

    /// <summary>From starting the pane to the agent's prompt on screen.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Why real agents cannot run on this machine at all, or null.</summary>
    public static string? MissingTools()
    {
        foreach (var tool in new[] { "tmux", "python3", "unshare", "ip", "bash" })
            if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, tool))))
                return $"{tool} is not installed (tests/run.sh installs it)";
        return null;
    }

    /// <summary>
    /// Writes the agent's private configuration, starts it in a new session of <paramref name="tmux"/> and waits
    /// until its prompt is on screen (getting past any dialog that would block a prompt).
    /// </summary>
    public static async Task<RealAgent> StartAsync(AgentRuntime runtime, TmuxServer tmux, TempDirectory temp, RealAgentOptions? options = null)
    {
        options ??= new RealAgentOptions();
        if (runtime.Missing() is { } missing) throw new InvalidOperationException(missing);
        var paths = new AgentPaths(Path.Combine(temp.Path, runtime.Name + "-" + options.Session), options.UserRoot);
        foreach (var dir in new[] { paths.Root, paths.Home, paths.Work, paths.Tmp, paths.CodexHome }) Directory.CreateDirectory(dir);

        var environment = Configure(runtime, paths, options);
        if (options.Prepare is not null) await options.Prepare(paths);
        if (runtime == AgentRuntime.Codex && options.TrustCodexHooks && File.Exists(paths.HooksSettings(runtime)))
            File.AppendAllText(Path.Combine(paths.CodexHome, "config.toml"), CodexHookTrust.StateToml(paths.HooksSettings(runtime)));
        WriteLaunchScript(runtime, paths, environment.Concat(options.Environment), options.Arguments);

        var agent = new RealAgent(runtime, tmux, paths, options.Session);
        var watch = Stopwatch.StartNew();
        await tmux.NewSessionAsync(options.Session, $"{Quote(paths.LaunchScript)}; exec bash --norc --noprofile -i", options.Width, options.Height);
        try
        {
            agent.PanePid = int.Parse(await tmux.DisplayAsync(options.Session, "#{pane_pid}"));
            // A bound for a hang, not a speed: Codex took 35-45 s to start with a load average of 50 on two cores.
            if (options.WaitForPrompt) await agent.WaitForPromptAsync(TimeSpan.FromSeconds(90));
            else await agent.WaitForProcessAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
        agent.StartupTime = watch.Elapsed;
        return agent;
    }

    /// <summary>The pane as plain text (no escapes), as <c>tmux capture-pane -p</c> gives it.</summary>
    public Task<string> CaptureAsync() => _tmux.CaptureAsync(Session);

    /// <summary>Polls the pane until <paramref name="screen"/> matches; returns that screen, or fails showing the last one.</summary>
    public async Task<string> WaitForScreenAsync(Regex screen, TimeSpan? within = null, string? what = null)
    {
        var last = "";
        var held = await TmuxServer.EventuallyAsync(async () => screen.IsMatch(last = await CaptureAsync()), within ?? TimeSpan.FromSeconds(20));
        if (!held)
            throw new TimeoutException($"{Runtime}: {what ?? "/" + screen + "/"} not on screen within {(within ?? TimeSpan.FromSeconds(20)).TotalSeconds} s; the pane shows:\n{last}");
        return last;
    }

    public Task<string> WaitForTextAsync(string text, TimeSpan? within = null) =>
        WaitForScreenAsync(new Regex(Regex.Escape(text)), within, $"\"{text}\"");

    /// <summary>
    /// Types text without submitting it: one line as literal keys, several lines as one bracketed paste
    /// (<c>load-buffer</c> + <c>paste-buffer -p</c>), as a person's terminal would deliver them.
    /// </summary>
    public async Task TypeAsync(string text)
    {
        if (!text.Contains('\n'))
        {
            await _tmux.RunAsync("send-keys", "-t", Target, "-l", text);
            return;
        }
        var buffer = "rig-" + Guid.NewGuid().ToString("N")[..8];
        var load = await ProcessRunner.RunAsync("tmux", [.. _tmux.ServerArguments, "load-buffer", "-b", buffer, "-"], TimeSpan.FromSeconds(10), standardInput: text);
        if (load.ExitCode != 0) throw new InvalidOperationException($"tmux load-buffer exited {load.ExitCode}: {load.StandardError}");
        await _tmux.RunAsync("paste-buffer", "-p", "-d", "-b", buffer, "-t", Target);
    }

    /// <summary>
    /// Types the prompt, then presses Enter 300 ms later (an Enter in the same burst may be swallowed). When the
    /// text is still in the input line 2 s later, the Enter was lost: again, for up to about 15 s (a TUI busy on a
    /// loaded machine may redraw late; Codex's startup screen, which only queues the text, is waited out at start).
    /// </summary>
    public async Task SubmitAsync(string text)
    {
        await TypeAsync(text);
        await Task.Delay(300);
        await PressAsync("Enter");
        if (Runtime.InputLine is not { } input || text.Contains('\n')) return;
        for (var attempt = 0; attempt < 7; attempt++)
        {
            var submitted = await TmuxServer.EventuallyAsync(async () => InputText(input, await CaptureAsync()) != text.Trim(), TimeSpan.FromSeconds(2));
            if (submitted) return;
            await PressAsync("Enter");
        }
    }

    private static string? InputText(Regex input, string screen) =>
        input.Matches(screen) is { Count: > 0 } m ? m[^1].Groups[1].Value.Trim() : null;

    /// <summary>Presses keys by tmux key name (<c>Enter</c>, <c>Escape</c>, <c>C-d</c>, <c>BSpace</c>, <c>2</c>).</summary>
    public Task PressAsync(params string[] keys) => _tmux.RunAsync(["send-keys", "-t", Target, .. keys]);

    /// <summary>
    /// Every request the model stub has logged completely so far: <c>{ts, method, path, body}</c>. A large request's
    /// line can be read while the stub is still writing it, so only newline-terminated lines count.
    /// </summary>
    public IReadOnlyList<JsonObject> ModelRequests() => CompleteJsonLines(Paths.StubLog);

    /// <summary>The newline-terminated JSON lines of a log another process may still be appending to.</summary>
    public static IReadOnlyList<JsonObject> CompleteJsonLines(string file)
    {
        if (!File.Exists(file)) return [];
        var lines = File.ReadAllText(file).Split('\n');
        return lines[..^1].Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    /// <summary>The interfaces of the agent's network namespace (from /proc/PID/net/dev): loopback alone.</summary>
    public IReadOnlyList<string> NetworkInterfaces() =>
        File.ReadAllLines($"/proc/{AgentPid}/net/dev").Skip(2)
            .Select(l => l.Split(':')[0].Trim()).Where(n => n.Length > 0).ToList();

    /// <summary>The pane's own process (the shell that runs the launch script, then the shell after the agent).</summary>
    public int PanePid { get; private set; }

    public bool IsRunning => AgentPid > 0 && Directory.Exists($"/proc/{AgentPid}");

    /// <summary>
    /// Exits the agent the way a person does (its exit command), waits until its process is gone, then ends what
    /// it left behind (Codex's app-server daemons, the stub). The pane then shows a shell.
    /// </summary>
    public async Task ExitAsync(TimeSpan? within = null)
    {
        if (Runtime.ExitOffered is { } offered)
        {
            await TypeAsync(Runtime.ExitCommand);
            await WaitForScreenAsync(offered, TimeSpan.FromSeconds(30), $"{Runtime.ExitCommand} offered as a command");
            await PressAsync("Enter");
            // Gemini CLI can take that Enter while it is still drawing its command menu: "/quit" then stays in the input
            // with the menu open (seen on a loaded machine). Enter again while the command is still offered.
            for (var again = 0; again < 3 && !await TmuxServer.EventuallyAsync(() => Task.FromResult(!IsRunning), TimeSpan.FromSeconds(5)); again++)
                if (offered.IsMatch(await CaptureAsync())) await PressAsync("Enter");
        }
        else await SubmitAsync(Runtime.ExitCommand);
        if (!await TmuxServer.EventuallyAsync(() => Task.FromResult(!IsRunning), within ?? TimeSpan.FromSeconds(20)))
            throw new TimeoutException($"{Runtime} still runs {within?.TotalSeconds ?? 20} s after {Runtime.ExitCommand}; the pane shows:\n{await CaptureAsync()}");
        KillLeftovers();
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRunning) Kill(AgentPid);
        KillLeftovers();
        await Task.CompletedTask;
    }

    private string Target => $"={Session}:";

    private async Task WaitForPromptAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var screen = "";
        var answered = new HashSet<string>();
        while (DateTime.UtcNow < deadline)
        {
            if (AgentPid == 0 && File.Exists(Paths.AgentPidFile) && int.TryParse(File.ReadAllText(Paths.AgentPidFile).Trim(), out var pid))
                AgentPid = pid;
            screen = await CaptureAsync();
            if (Runtime.Ready.IsMatch(screen))
            {
                // The prompt is drawn a moment before the input handler is live: a key typed at once can be lost.
                // A dialog may still come up over it (Codex's hook review did): look once more after the pause.
                await Task.Delay(Runtime.Settle);
                screen = await CaptureAsync();
                if (Dialog(screen) is null && Runtime.Ready.IsMatch(screen)) return;
            }
            if (Dialog(screen) is { } dialog && answered.Add(dialog.Name))
                await PressWithPauseAsync(dialog.Keys);
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Runtime}: no prompt within {within.TotalSeconds} s; the pane shows:\n{screen}");
    }

    private async Task PressWithPauseAsync(string[] keys)
    {
        foreach (var key in keys)
        {
            await PressAsync(key);
            await Task.Delay(300);
        }
    }

    /// <summary>The first-use screens that stand between a fresh start and the prompt, and the keys past them.</summary>
    private static (string Name, string[] Keys)? Dialog(string screen) => screen switch
    {
        // Codex: hooks it has not seen ("Trust all and continue"); the rig pre-trusts them, this is the fallback.
        _ when screen.Contains("Hooks need review") && screen.Contains("Trust all") => ("codex-hooks", ["2", "Enter"]),
        // Codex: a notice that a newer model is offered; keep the configured one.
        _ when Regex.IsMatch(screen, @"(?i)(try|use) .*new model|model.*(migrat|upgrade)") && screen.Contains("›") => ("codex-model", ["Escape"]),
        _ when screen.Contains("Press enter to continue") => ("continue", ["Enter"]),
        _ => null,
    };

    private void KillLeftovers()
    {
        if (File.Exists(Paths.StubPidFile) && int.TryParse(File.ReadAllText(Paths.StubPidFile).Trim(), out var stub)) Kill(stub);
        // Codex leaves `codex app-server` daemons (re-parented to PID 1) that run from $CODEX_HOME/packages:
        // every program run from this agent's own directory is one of ours. (Only the program: the tmux server's
        // command line names the launch script too, and so does the pane's shell before the agent exits.)
        foreach (var pid in ProgramsUnder(Paths.Root + "/").Concat(Paths.UserRoot is { } user ? ProgramsUnder(user + "/") : []).Where(p => p != PanePid)) Kill(pid);
        // The daemon's socket lives in /tmp/codex-daemon-<uid>/ (not under TMPDIR), linked from CODEX_HOME: ours goes too.
        if (new FileInfo(Path.Combine(Paths.CodexHome, "app-server-control", "app-server-control.sock")).LinkTarget is { } socket)
            foreach (var file in new[] { socket, socket + ".lock" })
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static IEnumerable<int> ProgramsUnder(string directory)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (cmdline.StartsWith(directory, StringComparison.Ordinal)) yield return pid;
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
    }

    internal static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
