using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>One real agent with fleet-exporter's hooks installed, and a roster that watches it.</summary>
internal sealed class HookedAgent : IAsyncDisposable
{
    public const string AgentName = "a1";

    /// <summary>The heartbeat interval: short, so that three of them pass while a test watches an idle agent.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _temp;
    private readonly TmuxServer _tmux;
    private readonly FleetJoin _join = FleetJoin.CreateDefault();

    private HookedAgent(TempDirectory temp, TmuxServer tmux, FleetRoster roster, RealAgent agent, ITestOutputHelper output)
    {
        _temp = temp;
        _tmux = tmux;
        Roster = roster;
        Agent = agent;
        Output = output;
    }

    public FleetRoster Roster { get; }

    /// <summary>Runs the real binary against this agent's roster (e.g. <c>send a1 ...</c>).</summary>
    public Task<ProcessOutput> FleetAsync(params string[] args) => FleetBinary.RunAsync(["--roster", Roster.SourcePath!, .. args]);

    public string JournalPath => Roster.SendJournal;
    public RealAgent Agent { get; }
    public ITestOutputHelper Output { get; }

    /// <summary>
    /// Starts the agent with fleet-exporter's hooks installed and a roster that says so (<c>hooks: true</c>);
    /// <paramref name="waitForPrompt"/> false returns while it is still starting (<see cref="RealAgentOptions.WaitForPrompt"/>).
    /// </summary>
    public static async Task<HookedAgent> StartAsync(AgentRuntime runtime, ITestOutputHelper output, bool waitForPrompt = true, bool trustCodexHooks = true)
    {
        var temp = new TempDirectory();
        var tmux = new TmuxServer();
        var rosterPath = temp.Write("roster.yaml", $"""
            heartbeat: {"{"} dir: {temp.File("hb")}, interval: {(int)Interval.TotalSeconds}s {"}"}
            tmux: {"{"} socket_name: {tmux.SocketName} {"}"}
            send_journal: {temp.File("sends.jsonl")}
            agents:
              - {"{"} name: {AgentName}, runtime: {runtime.Name}, session: agent, hooks: true {"}"}
            """);
        var options = new RealAgentOptions
        {
            WaitForPrompt = waitForPrompt,
            TrustCodexHooks = trustCodexHooks,
            Prepare = InstallHooks(runtime, AgentName, rosterPath),
        };
        try
        {
            var agent = await RealAgent.StartAsync(runtime, tmux, temp, options);
            return new HookedAgent(temp, tmux, RosterLoader.LoadFile(rosterPath), agent, output);
        }
        catch
        {
            await tmux.DisposeAsync();
            temp.Dispose();
            throw;
        }
    }

    /// <summary>The hooks as a user installs them, for <paramref name="agent"/> of the roster; the hook command is this build's own binary.</summary>
    public static Func<AgentPaths, Task> InstallHooks(AgentRuntime runtime, string agent, string rosterPath) => async paths =>
    {
        var r = await FleetBinary.RunAsync(["hooks", "install", runtime.Name, "--agent", agent, "--settings", paths.HooksSettings(runtime),
            "--roster", rosterPath, "--command", Path.Combine(AppContext.BaseDirectory, "fleet-exporter")]);
        Assert.True(r.ExitCode == 0, $"hooks install exited {r.ExitCode}: {r.StandardError}");
    };

    /// <summary>Collects until the agent's status satisfies <paramref name="condition"/>; fails showing the last one and the screen.</summary>
    public async Task<AgentStatus> UntilAsync(Func<AgentStatus, bool> condition, string what, TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        AgentStatus? last = null;
        while (watch.Elapsed < (within ?? TimeSpan.FromSeconds(20)))
        {
            last = (await _join.CollectAsync(Roster)).Agents.Single();
            if (condition(last))
            {
                Output.WriteLine($"{what}: after {watch.Elapsed.TotalSeconds:0.0} s, state {last.State.NameLabel} from {last.State.Source} ({last.State.Reason}), screen {last.Screen?.State}");
                return last;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{Agent.Runtime}: never {what}; last: state {last?.State}, screen {last?.Screen}, hook {last?.Heartbeat.Hook}, " +
                    $"flags {string.Join(",", last?.Flags ?? [])}, processes {string.Join(" ", last?.Processes?.TreeCommands ?? [])}\n" +
                    $"hook log: {ReadHookLog()}\nscreen:\n{await Agent.CaptureAsync()}");
        return last!;
    }

    public string ReadHookLog()
    {
        var log = Path.Combine(Agent.Paths.Home, ".local", "state", "fleet", "hook.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(none)";
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await _tmux.DisposeAsync();
        _temp.Dispose();
    }
}
