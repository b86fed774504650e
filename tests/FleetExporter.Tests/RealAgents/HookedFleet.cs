using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FleetExporter.Tests.RealAgents;

/// <summary>
/// Several real agents of one runtime, each in its own session with fleet-exporter's hooks installed under its own
/// name (<c>hooks install --agent</c>), and one roster that watches them all, with whatever else the test gives it
/// (prices, budgets) and each agent's own fields (tenant, budget).
/// </summary>
internal sealed class HookedFleet(TempDirectory temp, TmuxServer tmux, string rosterPath, ITestOutputHelper output) : IAsyncDisposable
{
    /// <summary>One agent of the roster: its name (also its session) and more fields of its entry, e.g. <c>tenant: acme</c>.</summary>
    public sealed record Member(string Name, string Fields = "");

    private readonly FleetJoin _join = FleetJoin.CreateDefault();
    private readonly Dictionary<string, RealAgent> _agents = new(StringComparer.Ordinal);

    public string RosterPath => rosterPath;

    public FleetRoster Roster { get; private set; } = null!;

    public RealAgent this[string name] => _agents[name];

    /// <summary>Writes the roster (<paramref name="roster"/> above its <c>agents:</c>) and starts every member to its prompt.</summary>
    public static async Task<HookedFleet> StartAsync(AgentRuntime runtime, ITestOutputHelper output, string roster, params Member[] members)
    {
        var temp = new TempDirectory();
        var tmux = new TmuxServer();
        var fleet = new HookedFleet(temp, tmux, temp.File("roster.yaml"), output);
        try
        {
            var entries = members.Select(m => $"  - {{ name: {m.Name}, runtime: {runtime.Name}, session: {m.Name}, hooks: true{(m.Fields.Length > 0 ? ", " + m.Fields : "")} }}");
            temp.Write("roster.yaml", string.Join("\n", [
                $"heartbeat: {{ dir: {temp.File("hb")}, interval: {(int)HookedAgent.Interval.TotalSeconds}s }}",
                $"tmux: {{ socket_name: {tmux.SocketName} }}",
                $"send_journal: {temp.File("sends.jsonl")}",
                roster.Trim(),
                "agents:",
                .. entries]) + "\n");
            fleet.Roster = RosterLoader.LoadFile(fleet.RosterPath);
            foreach (var m in members)
            {
                var agent = fleet._agents[m.Name] = await RealAgent.StartAsync(runtime, tmux, temp,
                    new RealAgentOptions { Session = m.Name, Prepare = HookedAgent.InstallHooks(runtime, m.Name, fleet.RosterPath) });
                output.WriteLine($"{m.Name} started: {agent.StartupTime.TotalSeconds:0.0} s");
            }
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Collects until agent <paramref name="name"/>'s status satisfies <paramref name="condition"/>; fails showing its last one and its screen.</summary>
    public async Task<AgentStatus> UntilAsync(string name, Func<AgentStatus, bool> condition, string what, TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        AgentStatus? last = null;
        while (watch.Elapsed < (within ?? TimeSpan.FromSeconds(30)))
        {
            last = (await _join.CollectAsync(Roster)).Agents.Single(a => a.Spec.Name == name);
            if (condition(last))
            {
                output.WriteLine($"{name} {what}: after {watch.Elapsed.TotalSeconds:0.0} s");
                return last;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{name} never {what}; last: state {last?.State}, hook {last?.Heartbeat.Hook}, usage {last?.Usage?.Totals}\nscreen:\n{await _agents[name].CaptureAsync()}");
        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values) await agent.DisposeAsync();
        await tmux.DisposeAsync();
        temp.Dispose();
    }
}
