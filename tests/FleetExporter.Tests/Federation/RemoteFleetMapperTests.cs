using FleetExporter.Cli.Ps;
using FleetExporter.Federation;
using FleetExporter.Fleet;
using FleetExporter.Heartbeats;

namespace FleetExporter.Tests.Federation;

/// <summary>The series → rows mapping and the host conditions, over answers a real Prometheus gave (<see cref="RecordedAnswers"/>).</summary>
public sealed class RemoteFleetMapperTests
{
    private static RemoteFleetView View(FleetAnswers answers) => RemoteFleetMapper.Map(answers, HostHealthClassifier.Classify(answers), "http://prometheus:9090/");

    [Fact]
    public void Every_agent_of_a_current_host_is_a_row_with_the_exporters_own_flags_and_state()
    {
        var view = View(RecordedAnswers.Load("up"));
        // Rows are priced as their exporters priced them, never again here (RemoteUsageTests).
        Assert.Same(FleetExporter.Usage.PriceTable.RecordedOnly, view.Snapshot.Roster.Prices);

        var vm = view.Snapshot.Agents.Where(a => a.Host == "vm").ToDictionary(a => a.Spec.Name);
        Assert.Equal(["asker", "drifted", "healthy", "idle", "no-boot", "stale"], vm.Keys);
        Assert.Equal(["DRIFT"], vm["drifted"].Flags);
        Assert.Equal(["BOOT-ENABLE"], vm["no-boot"].Flags);
        Assert.Equal(["HB-STALE"], vm["stale"].Flags);
        Assert.Empty(vm["healthy"].Flags);
        Assert.Equal("working", vm["healthy"].State.NameLabel);
        Assert.Equal("waiting", vm["asker"].State.NameLabel);
        Assert.Equal("idle", vm["idle"].State.NameLabel);
        Assert.Equal("unknown", vm["stale"].State.NameLabel);
        Assert.All(vm.Values, a => Assert.Equal("active", a.Unit!.ActiveState));
        Assert.All(vm.Values, a => Assert.Equal("demo", a.Spec.Tenant));
        Assert.True(vm["stale"].Heartbeat.Age > TimeSpan.FromMinutes(5), $"stale's heartbeat age {vm["stale"].Heartbeat.Age}");
        Assert.True(vm["healthy"].Heartbeat.Age < TimeSpan.FromSeconds(10), $"healthy's heartbeat age {vm["healthy"].Heartbeat.Age}");
        // Every flag of a current host's agents was decided by its exporter: none shows "?".
        Assert.All(vm.Values, a => Assert.Empty(AgentFlags.Undecided(a)));
        Assert.Equal(HostCondition.Current, view.Hosts.Single(h => h.Host == "vm").Condition);
        Assert.Equal(TimeSpan.FromSeconds(2), view.Hosts.Single(h => h.Host == "vm").Interval);
    }

    [Fact]
    public void A_target_that_never_answered_is_a_row_flagged_exporter_down_with_nothing_known()
    {
        var view = View(RecordedAnswers.Load("up"));

        var gone = Assert.Single(view.Snapshot.Agents, a => a.Host == "gone-host");
        Assert.Equal(RemoteFleetMapper.UnknownAgent, gone.Spec.Name);
        Assert.Equal([HostHealth.ExporterDownFlag], gone.Flags);
        Assert.Contains("?", FleetExporter.Glance.Attention.ShownFlags(gone));
        Assert.Contains("127.0.0.1:18499", view.Hosts.Single(h => h.Host == "gone-host").Reason);
        Assert.True(view.HasUnknown);
    }

    [Fact]
    public void A_stopped_exporter_keeps_its_last_known_agents_as_rows_flagged_exporter_down_and_unknown()
    {
        var view = View(RecordedAnswers.Load("down"));

        var vm = view.Snapshot.Agents.Where(a => a.Host == "vm").ToList();
        Assert.Equal(["asker", "drifted", "healthy", "idle", "no-boot", "stale"], vm.Select(a => a.Spec.Name));
        Assert.All(vm, a =>
        {
            Assert.Equal([HostHealth.ExporterDownFlag], a.Flags);
            Assert.Null(a.Unit);
            Assert.Null(a.SessionPresent);
            Assert.Equal("unknown", a.State.NameLabel);
            Assert.Equal(FleetExporter.Heartbeats.HeartbeatState.Unknown, a.Heartbeat.State);
        });
        var json = AgentJson.From(vm[0], view.ForHost("vm"));
        Assert.StartsWith("EXPORTER-DOWN on host vm: up == 0", json.Unknown[RemoteFleetMapper.ExporterSource]);
        Assert.DoesNotContain(json.Unknown.Keys, k => k.Contains("gone-host"));
    }

    [Fact]
    public void Series_older_than_two_scrape_intervals_are_stale_not_current()
    {
        // The same answers read 30 s later: the latest sample is 30 s old, the exporter was scraped every 2 s.
        var answers = RecordedAnswers.Load("up", later: TimeSpan.FromSeconds(30));
        var view = View(answers);

        var vm = view.Hosts.Single(h => h.Host == "vm");
        Assert.Equal(HostCondition.Stale, vm.Condition);
        Assert.Contains("scraped every 2s", vm.Reason);
        Assert.All(view.Snapshot.Agents.Where(a => a.Host == "vm"), a => Assert.Equal([HostHealth.StaleFlag], a.Flags));
        // Just within the bound it is still current.
        Assert.Equal(HostCondition.Current, HostHealthClassifier.Classify(RecordedAnswers.Load("up", later: TimeSpan.FromSeconds(2))).Single(h => h.Host == "vm").Condition);
    }

    [Fact]
    public void A_host_known_within_the_lookback_but_with_no_recent_sample_and_no_target_is_absent()
    {
        // Minutes after its target was removed: no up, no recent sample; only the lookback remembers it.
        var answers = RecordedAnswers.Load("down") with { Recent = [], Up = [], Current = [] };
        var view = View(answers);

        Assert.Equal(HostCondition.ExporterAbsent, Assert.Single(view.Hosts).Condition);
        Assert.Equal(6, view.Snapshot.Agents.Count);
        Assert.All(view.Snapshot.Agents, a => Assert.Equal([HostHealth.ExporterAbsentFlag], a.Flags));
    }

    [Fact]
    public void Filters_select_hosts_tenants_agents_and_flags_and_keep_hosts_whose_agents_are_unknown()
    {
        var view = View(RecordedAnswers.Load("up"));

        Assert.Equal(["drifted"], new RemoteFilter([], [], [], ["drift"]).Apply(view).Snapshot.Agents.Select(a => a.Spec.Name));
        Assert.Equal(["healthy"], new RemoteFilter([], ["vm"], ["healthy"], []).Apply(view).Snapshot.Agents.Select(a => a.Spec.Name));
        // gone-host's agents are not known: under --tenant it stays, as the row that says so.
        var demo = new RemoteFilter(["demo"], [], [], []).Apply(view);
        Assert.Equal(7, demo.Snapshot.Agents.Count);
        Assert.Contains(demo.Snapshot.Agents, a => a.Host == "gone-host");
        var none = new RemoteFilter(["other"], ["vm"], [], []).Apply(view);
        Assert.Empty(none.Snapshot.Agents);
        Assert.Empty(none.Snapshot.Sources);
    }

    [Fact]
    public void The_table_of_the_fleet_across_hosts_is_the_local_table_with_every_host()
    {
        var view = View(RecordedAnswers.Load("up"));
        var table = PsTable.Render(PsRow.From(view.Snapshot), colour: false, PsTable.Width).Split('\n');

        Assert.Matches(@"^AGENT +TENANT +HOST +UNIT +PANE +STATE +IDLE +HB +FLAGS$", table[0]);
        Assert.Contains(table, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^drifted +demo +vm +active +other +stopped .* DRIFT$"));
        Assert.Contains(table, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^- +- +gone-host +\? +\? +\? .* EXPORTER-DOWN,\?$"));
        Assert.Contains(table, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^healthy +demo +vm +active +demo-agent +working .* ok$"));
        Assert.Contains("! exporter@gone-host unknown: EXPORTER-DOWN", string.Join("\n", PsTable.Warnings(view.Snapshot)));
    }

    [Fact]
    public void The_current_query_asks_for_every_series_a_row_is_made_of()
    {
        // Recorded with every fleet_* series; the query asks for fewer, and the rows must not change.
        var full = RecordedAnswers.Load("up");
        var names = System.Text.RegularExpressions.Regex.Match(FleetAnswers.CurrentQuery, "__name__=~\"(.+)\"").Groups[1].Value.Split('|').ToHashSet();
        var asked = full with { Current = full.Current.Where(s => names.Contains(s.Name)).ToList() };
        Assert.True(asked.Current.Count < full.Current.Count);

        static string Shown(RemoteFleetView v) => PsTable.Render(PsRow.From(v.Snapshot), colour: false, PsTable.Width) + System.Text.Json.JsonSerializer.Serialize(
            v.Snapshot.Agents.Select(a => AgentJson.From(a, v.ForHost(a.Host))).ToList(), PsJsonContext.Default.ListAgentJson);
        Assert.Equal(Shown(View(full)), Shown(View(asked)));
    }

    [Fact]
    public void An_error_answer_or_something_else_is_a_prometheus_error()
    {
        var e = Assert.Throws<PrometheusException>(() => PromResponse.Vector("""{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"""));
        Assert.Contains("bad_data: parse error at char 3", e.Message);
        Assert.Throws<PrometheusException>(() => PromResponse.Vector("<html>login</html>"));
        Assert.Throws<PrometheusException>(() => PromResponse.Vector(File.ReadAllText(Infrastructure.RepoPaths.Of("tests", "FleetExporter.Tests", "Federation", "Recorded", "up", "recent.json"))));
    }
}
