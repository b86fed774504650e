using FleetExporter.Fleet;
using FleetExporter.Operator;
using FleetExporter.Roster;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tmux;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// `ps` (the join) and `send` (its readiness probe) decide an agent's state in one place: on every captured screen
/// of every runtime, shown in a real tmux pane whose runtime runs, both read the same state.
/// </summary>
public sealed class OneDecisionTests
{
    private static string FixtureDir => RepoPaths.Of("tests", "FleetExporter.Tests", "Agents", "Fixtures", "screens");

    [Fact(Timeout = 120_000)]
    public async Task Ps_and_send_read_the_same_state_on_every_captured_screen()
    {
        var fixtures = Directory.GetFiles(FixtureDir, "*.txt").Order(StringComparer.Ordinal).ToList();
        Assert.True(fixtures.Count >= 40, $"{fixtures.Count} fixtures");
        using var dir = new TempDirectory();
        var socket = "one-decision-" + Guid.NewGuid().ToString("N")[..6];
        var agents = fixtures.Select((f, i) => (Name: $"s{i:00}", Runtime: Path.GetFileName(f).Split('-')[0], File: f)).ToList();
        // The built-in runtimes with their own screens; the pane's program is `sleep`, after the screen is drawn.
        var roster = RosterLoader.Parse($$"""
            heartbeat: { dir: {{dir.File("hb")}} }
            tmux: { socket_name: {{socket}} }
            runtimes:
              claude: { commands: [sleep] }
              codex: { commands: [sleep] }
              gemini: { commands: [sleep] }
              pi: { commands: [sleep] }
            agents:
            {{string.Join("\n", agents.Select(a => $"  - {{ name: {a.Name}, runtime: {a.Runtime} }}"))}}
            """, dir.File("roster.yaml"));
        try
        {
            foreach (var a in agents)
            {
                var lines = File.ReadAllText(a.File).TrimEnd('\n').Split('\n');
                var r = await ProcessRunner.RunAsync("tmux", ["-L", socket, "new-session", "-d", "-s", a.Name, "-x", "120", "-y", lines.Length.ToString(),
                    $"printf '%s' \"$(cat '{a.File}')\"; exec sleep 100000"], TimeSpan.FromSeconds(10));
                Assert.True(r.ExitCode == 0, r.StandardError);
            }
            await Task.Delay(500);

            var snapshot = await FleetJoin.CreateDefault().CollectAsync(roster);
            var tmux = new TmuxClient(roster.Tmux);
            var disagreements = new List<string>();
            foreach (var a in agents)
            {
                var joined = snapshot.Agents.Single(x => x.Spec.Name == a.Name);
                var probed = await AgentReadiness.ProbeAsync(roster, roster.FindAgent(a.Name)!, tmux, joined.Pane!.PaneId, CancellationToken.None);
                if (probed.State.Name != joined.State.Name)
                    disagreements.Add($"{Path.GetFileName(a.File)}: ps {joined.State.NameLabel}, send {probed.State.NameLabel}");
            }
            Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
            // The screens differ: the states read are not all one (a broken pane read would make them so).
            Assert.True(snapshot.Agents.Select(x => x.State.Name).Distinct().Count() >= 3, string.Join(", ", snapshot.Agents.Select(x => x.State.NameLabel)));
        }
        finally
        {
            await ProcessRunner.RunAsync("tmux", ["-L", socket, "kill-server"], TimeSpan.FromSeconds(10));
        }
    }
}
