using FleetExporter.Heartbeats;
using FleetExporter.Usage;

namespace FleetExporter.Benchmarks;

/// <summary>
/// Real agents on the private managers: the shipped agent units (named for the run), each session running
/// <c>sleep</c>, and a fresh heartbeat file per agent; each agent has a Claude Code transcript of its own (a file
/// per agent under <see cref="ClaudeDirectory"/>, all of one content) and the usage file its hooks would have left
/// once caught up with it. The fleet only grows (agents b00001.., started as the sizes ask), and each size gets a
/// roster of its first N agents.
/// </summary>
internal sealed class BenchFleet
{
    private readonly PrivateManagers _managers;
    private readonly string _work;
    private readonly byte[] _transcript;
    private int _started;
    private Timer? _beating;
    private readonly Lock _beatGate = new();
    private bool _stopped;
    private int _counted;

    private BenchFleet(PrivateManagers managers, string work, byte[] transcript) => (_managers, _work, _transcript) = (managers, work, transcript);

    public string HeartbeatDirectory => Path.Combine(_work, "hb");

    /// <summary>The same heartbeats, and no usage files: a serve on it exports no usage (the usage source reads none).</summary>
    public string HeartbeatDirectoryWithoutUsage => Path.Combine(_work, "hb-no-usage");
    public string Unit(int i) => $"{_managers.Prefix}-agent@{Name(i)}.service";
    public static string Name(int i) => $"b{i:D5}";
    public string Work => _work;

    /// <summary>The agents' Claude Code configuration directory (<c>$CLAUDE_CONFIG_DIR</c> of this process and of the hooks it starts).</summary>
    public string ClaudeDirectory => Path.Combine(_work, "claude");

    /// <summary>Agent <paramref name="i"/>'s transcript, where Claude Code keeps it: <c>projects/&lt;cwd as a name&gt;/&lt;session&gt;.jsonl</c>.</summary>
    public string Transcript(int i) => Path.Combine(ClaudeDirectory, "projects", $"-work-{Name(i)}", "5b1c1e2a-0000-4000-8000-000000000001.jsonl");

    /// <summary>Bytes of each agent's transcript (0: none).</summary>
    public long TranscriptBytes => _transcript.Length;

    /// <summary>
    /// The shipped agent units for up to <paramref name="agents"/> agents, installed (not started), and the content of
    /// their transcripts, at least <paramref name="transcriptBytes"/> each (0: no transcripts, no usage files).
    /// </summary>
    public static async Task<BenchFleet> CreateAsync(PrivateManagers managers, int agents, long transcriptBytes)
    {
        // One pseudo-terminal per pane: the kernel's limit (4096 by default) caps the fleet below 10,000 agents.
        if (long.TryParse(File.ReadAllText("/proc/sys/kernel/pty/max").Trim(), out var ptyMax)
            && long.TryParse(File.ReadAllText("/proc/sys/kernel/pty/nr").Trim(), out var ptyUsed)
            && agents > ptyMax - ptyUsed)
            throw new InvalidOperationException($"{agents} agents need {agents} pseudo-terminals; kernel.pty.max is {ptyMax} and {ptyUsed} are in use (raise it with sysctl -w kernel.pty.max=N)");
        var fleet = new BenchFleet(managers, managers.Temp("fleet-bench-"), transcriptBytes > 0 ? ClaudeSession.Transcript(transcriptBytes) : []);
        await managers.InstallFleetUnitsAsync(Enumerable.Range(1, agents).Select(Name), "sleep 100000");
        Directory.CreateDirectory(fleet.ClaudeDirectory);
        Environment.SetEnvironmentVariable("CLAUDE_CONFIG_DIR", fleet.ClaudeDirectory);
        return fleet;
    }

    /// <summary>
    /// Writes the transcripts of agents up to <paramref name="agents"/> that have none yet, and counts each as its
    /// hooks would have (the product's own counting and usage file, run here until caught up; 8 MiB a step), two at a time.
    /// </summary>
    public void WriteTranscripts(int agents)
    {
        if (_transcript.Length == 0) return;
        Parallel.For(_counted + 1, agents + 1, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Transcript(i))!);
            File.WriteAllBytes(Transcript(i), _transcript);
            CatchUp(i);
        });
        _counted = Math.Max(_counted, agents);
    }

    /// <summary>Counts agent <paramref name="i"/>'s transcript to its end, 8 MiB a step, as its next hooks would.</summary>
    public void CatchUp(int i)
    {
        var usage = UsageFile.PathFor(HeartbeatDirectory, Name(i));
        for (long reached = -1; ;)
        {
            UsageHook.Count(HeartbeatDirectory, Name(i), "claude", "UserPromptSubmit", Transcript(i), DateTimeOffset.UtcNow);
            var now = UsageFile.Read(usage)?.Transcripts.FirstOrDefault()?.Offset ?? 0;
            if (now == reached) break;
            reached = now;
        }
        if (UsageFile.Read(usage) is not { Problem: null, Transcripts: [{ } at, ..] } || at.Offset != new FileInfo(Transcript(i)).Length)
            throw new InvalidOperationException($"{Name(i)}: the usage file did not catch up with its transcript");
    }

    /// <summary>
    /// Starts agents up to <paramref name="agents"/> (one systemctl line per 100 units, each well within its 2-minute
    /// limit on a loaded machine), refreshes their heartbeats and writes the roster of the first N, and the same
    /// roster whose heartbeat directory (<see cref="HeartbeatDirectoryWithoutUsage"/>) has no usage files.
    /// </summary>
    /// <summary>No more heartbeats: called before the fleet's files are removed, which a late beat would write again.</summary>
    public void StopBeating()
    {
        lock (_beatGate)
        {
            _beating?.Dispose();
            _stopped = true;
        }
    }

    private void Beat()
    {
        lock (_beatGate)
        {
            if (_stopped) return;
            try
            {
                foreach (var dir in new[] { HeartbeatDirectory, HeartbeatDirectoryWithoutUsage })
                    for (var i = 1; i <= _started; i++)
                        HeartbeatWriter.Write(Path.Combine(dir, Name(i) + ".hb"), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), Environment.ProcessId, "working", null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The fleet is being removed (the run ended or was stopped): nothing left to keep fresh.
            }
        }
    }

    public async Task<(string Roster, string WithoutUsage)> GrowAsync(int agents)
    {
        for (var from = _started + 1; from <= agents; from += 100)
        {
            var to = Math.Min(agents, from + 99);
            string[] start = ["start", .. Enumerable.Range(from, to - from + 1).Select(Unit)];
            // On a heavily loaded machine a few units of a hundred can fail their start (their tmux calls); once more
            // starts those (the others are running already), a second failure stops the benchmark.
            try { await _managers.SystemctlAsync(start); }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"starting agents {Name(from)}..{Name(to)} again: {e.Message.Split('\n')[0]}");
                var failed = await FleetExporter.Subprocess.ProcessRunner.RunAsync("systemctl", ["--user", "--no-pager", "status", "--lines=30", "--", .. start.Skip(1)], TimeSpan.FromMinutes(1));
                Console.Error.WriteLine(string.Join('\n', failed.StandardOutput.Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(20)));
                await Task.Delay(TimeSpan.FromSeconds(5));
                await _managers.SystemctlAsync(start);
            }
        }
        _started = Math.Max(_started, agents);
        // All of them afresh (starting a large fleet takes longer than a heartbeat stays fresh), and again every 20 s
        // as working agents' hooks would: a run at 1000 agents outlasts 3 intervals many times over.
        Beat();
        _beating ??= new Timer(_ => Beat(), null, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20));
        return (await RosterAsync(agents, HeartbeatDirectory, ""), await RosterAsync(agents, HeartbeatDirectoryWithoutUsage, "-no-usage"));
    }

    private async Task<string> RosterAsync(int agents, string heartbeats, string suffix)
    {
        var roster = Path.Combine(_work, $"roster-{agents}{suffix}.yaml");
        await File.WriteAllTextAsync(roster, $$"""
            heartbeat: { dir: {{heartbeats}}, interval: 30s }
            systemd: { unit_template: "{{_managers.Prefix}}-agent@{name}.service", linger_dir: {{_work}} }
            tmux: { socket_name: {{_managers.TmuxSocket}} }
            runtimes:
              sleeper: { commands: [sleep] }
            agents:
            {{string.Join("\n", Enumerable.Range(1, agents).Select(i => $"  - {{ name: {Name(i)}, runtime: sleeper }}"))}}
            """);
        return roster;
    }
}
