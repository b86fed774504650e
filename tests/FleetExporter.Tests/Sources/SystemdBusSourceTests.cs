using FleetExporter.Fleet;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Sources.Heartbeats;
using FleetExporter.Sources.Processes;
using FleetExporter.Sources.Systemd;
using FleetExporter.Sources.Tmux;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Sources;

/// <summary>
/// The D-Bus source tells the same facts as systemctl about the same units of a real user manager, and falls back
/// to systemctl, saying so, when D-Bus cannot be reached.
/// </summary>
[Collection(SystemdCollection.Name)]
public sealed class SystemdBusSourceTests(SystemdUserManager systemd)
{
    private const int Timeout = 60_000;

    private sealed class Units(string prefix, TempDirectory dir, FleetRoster roster) : IDisposable
    {
        public TempDirectory Dir => dir;
        public FleetRoster Roster => roster;
        public string Unit(string name) => $"{prefix}-{name}.service";
        public void Dispose() => dir.Dispose();
    }

    /// <summary>Units in every state the join tells apart: active enabled, active disabled, inactive, failed, static, a running service, not found, and a target.</summary>
    private async Task<Units> UnitsAsync(string unitFileStateMaxAge = "60s")
    {
        systemd.Require();
        var prefix = $"{systemd.Prefix}-bus{Guid.NewGuid().ToString("N")[..4]}";
        const string oneshot = "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n";
        const string install = "[Install]\nWantedBy=default.target\n";
        await systemd.WriteUnitAsync($"{prefix}-on.service", oneshot + install);
        await systemd.WriteUnitAsync($"{prefix}-off.service", oneshot + install);
        await systemd.WriteUnitAsync($"{prefix}-idle.service", oneshot + install);
        await systemd.WriteUnitAsync($"{prefix}-failed.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n" + install);
        await systemd.WriteUnitAsync($"{prefix}-static.service", oneshot);
        await systemd.WriteUnitAsync($"{prefix}-sleeper.service", "[Service]\nExecStart=/bin/sleep 100000\n" + install);
        await systemd.MustAsync("enable", $"{prefix}-on.service", $"{prefix}-sleeper.service");
        await systemd.MustAsync("start", $"{prefix}-on.service", $"{prefix}-off.service", $"{prefix}-static.service", $"{prefix}-sleeper.service");
        await systemd.SystemctlAsync("start", $"{prefix}-failed.service");
        var dir = new TempDirectory();
        var yaml = $$"""
            tenant: t1
            host: testhost
            heartbeat: { dir: {{dir.File("hb")}}, interval: 2s }
            systemd: { unit_template: "{{prefix}}-{name}.service", linger_dir: {{dir.File("linger")}}, unit_file_state_max_age: {{unitFileStateMaxAge}} }
            tmux: { socket_name: unused-{{prefix}} }
            runtimes:
              sleeper: { commands: [sleep] }
            agents:
              - { name: on, runtime: sleeper }
              - { name: off, runtime: sleeper }
              - { name: idle, runtime: sleeper }
              - { name: failed, runtime: sleeper }
              - { name: static, runtime: sleeper }
              - { name: sleeper, runtime: sleeper }
              - { name: missing, runtime: sleeper }
              - { name: target, runtime: sleeper, unit: default.target }
            """;
        return new Units(prefix, dir, RosterLoader.Parse(yaml, "(test)"));
    }

    private static UnitFacts WithoutReadTime(UnitFacts f) => f with { UnitFileStateReadAt = null };

    [Fact(Timeout = Timeout)]
    public async Task The_D_Bus_source_tells_the_same_facts_as_systemctl_for_units_in_every_state()
    {
        using var units = await UnitsAsync();
        var bus = new SystemdBusSource(TimeProvider.System);

        var viaBus = await bus.ObserveAsync(units.Roster, CancellationToken.None);
        var viaSystemctl = await new SystemdSource(TimeProvider.System).ObserveAsync(units.Roster, CancellationToken.None);

        Assert.True(viaBus.Ok, viaBus.Error);
        Assert.Null(viaBus.Note);
        Assert.True(viaSystemctl.Ok, viaSystemctl.Error);
        var expected = viaSystemctl.Value!.Units;
        var actual = viaBus.Value!.Units;
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var unit in expected.Keys)
        {
            Assert.Equal(WithoutReadTime(expected[unit]), WithoutReadTime(actual[unit]));
            Assert.Equal(expected[unit].UnitFileStateReadAt is null, actual[unit].UnitFileStateReadAt is null);
        }
        Assert.Equal(viaSystemctl.Value.Linger, viaBus.Value.Linger);
        // The comparison means something only if the units are in the states they were put in.
        Assert.Equal(("active", "enabled"), (actual[units.Unit("on")].ActiveState, actual[units.Unit("on")].UnitFileState));
        Assert.Equal(("active", "disabled"), (actual[units.Unit("off")].ActiveState, actual[units.Unit("off")].UnitFileState));
        Assert.Equal("inactive", actual[units.Unit("idle")].ActiveState);
        Assert.Equal("failed", actual[units.Unit("failed")].ActiveState);
        Assert.Equal("static", actual[units.Unit("static")].UnitFileState);
        Assert.True(actual[units.Unit("sleeper")].MainPid > 0);
        Assert.Equal(("not-found", "inactive"), (actual[units.Unit("missing")].LoadState, actual[units.Unit("missing")].ActiveState));
        Assert.Null(actual["default.target"].MainPid);
    }

    [Fact(Timeout = Timeout)]
    public async Task The_D_Bus_source_does_not_read_UnitFileState_again_while_unit_files_are_unchanged_and_the_value_is_young()
    {
        using var units = await UnitsAsync();
        var bus = new SystemdBusSource(TimeProvider.System);

        var first = await bus.ObserveAsync(units.Roster, CancellationToken.None);
        var second = await bus.ObserveAsync(units.Roster, CancellationToken.None);

        Assert.True(first.Ok && second.Ok, first.Error ?? second.Error);
        var before = first.Value!.Units[units.Unit("on")];
        var after = second.Value!.Units[units.Unit("on")];
        // Within unit_file_state_max_age, with no unit file changed, the cached value stands, with the time it was read.
        Assert.NotNull(before.UnitFileStateReadAt);
        Assert.Equal((before.UnitFileState, before.UnitFileStateReadAt), (after.UnitFileState, after.UnitFileStateReadAt));
        Assert.Equal("enabled", after.UnitFileState);
    }

    [Fact(Timeout = Timeout)]
    public async Task A_disable_or_enable_shows_in_the_next_collection_without_waiting_for_the_max_age()
    {
        using var units = await UnitsAsync(unitFileStateMaxAge: "1h");
        var bus = new SystemdBusSource(TimeProvider.System);

        var enabled = await bus.ObserveAsync(units.Roster, CancellationToken.None);
        await systemd.MustThroughManagerAsync("disable", units.Unit("on"));
        var disabled = await bus.ObserveAsync(units.Roster, CancellationToken.None);
        var unchanged = await bus.ObserveAsync(units.Roster, CancellationToken.None);
        await systemd.MustThroughManagerAsync("enable", units.Unit("on"));
        var again = await bus.ObserveAsync(units.Roster, CancellationToken.None);

        string? State(SourceResult<SystemdObservation> r) => r.Value!.Units[units.Unit("on")].UnitFileState;
        Assert.All(new[] { enabled, disabled, unchanged, again }, r => Assert.Equal((null, SystemdBusSource.MethodDbus), (r.Note, r.Method)));
        Assert.Equal(("enabled", "disabled", "disabled", "enabled"), (State(enabled), State(disabled), State(unchanged), State(again)));
        // Read again because systemd said so, not on every collection: the one between the changes kept its read time.
        Assert.Equal(disabled.Value!.Units[units.Unit("on")].UnitFileStateReadAt, unchanged.Value!.Units[units.Unit("on")].UnitFileStateReadAt);
    }

    [Fact(Timeout = Timeout)]
    public async Task Disabling_and_enabling_a_unit_shows_in_the_next_collections_boot_enable_missing()
    {
        using var units = await UnitsAsync(unitFileStateMaxAge: "1h");
        units.Dir.Write(Path.Combine("linger", Environment.UserName), "");
        var join = Join(new SystemdBusSource(TimeProvider.System));
        double BootEnableMissing(FleetSnapshot s) =>
            FleetSeries.From(s).Single(x => x.Family == FleetSeries.BootEnableMissing && x.LabelValues[2] == "on").Value;

        var enabled = await join.CollectAsync(units.Roster);
        await systemd.MustThroughManagerAsync("disable", units.Unit("on"));
        var disabled = await join.CollectAsync(units.Roster);
        await systemd.MustThroughManagerAsync("enable", units.Unit("on"));
        var again = await join.CollectAsync(units.Roster);

        Assert.Equal((0.0, 1.0, 0.0), (BootEnableMissing(enabled), BootEnableMissing(disabled), BootEnableMissing(again)));
    }

    [Fact(Timeout = Timeout)]
    public async Task The_collector_method_series_says_whether_systemd_was_read_over_D_Bus_or_through_systemctl()
    {
        using var units = await UnitsAsync();
        var overBus = await Join(new SystemdBusSource(TimeProvider.System)).CollectAsync(units.Roster);
        var fellBack = await Join(new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System), _ => "unix:path=" + units.Dir.File("no-such-socket")))
            .CollectAsync(units.Roster);

        IEnumerable<(string, double)> Methods(FleetSnapshot s) =>
            FleetSeries.From(s).Where(x => x.Family == FleetSeries.CollectorMethod).Select(x => (x.LabelValues[2], x.Value)).Order();
        Assert.Equal([("dbus", 1.0), ("systemctl", 0.0)], Methods(overBus));
        Assert.Equal([("dbus", 0.0), ("systemctl", 1.0)], Methods(fellBack));
        Assert.All(FleetSeries.From(overBus).Where(x => x.Family == FleetSeries.CollectorMethod), x => Assert.Equal(["testhost", "systemd"], x.LabelValues.Take(2)));
    }

    private static FleetJoin Join(ISystemdSource systemd) =>
        new(systemd, new TmuxSource(), new ProcessSource(), new HeartbeatSource(TimeProvider.System), TimeProvider.System);

    [Fact(Timeout = Timeout)]
    public async Task Without_a_D_Bus_socket_the_source_falls_back_to_systemctl_and_says_why()
    {
        using var units = await UnitsAsync();
        var bus = new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System), _ => "unix:path=" + units.Dir.File("no-such-socket"));

        var viaBus = await bus.ObserveAsync(units.Roster, CancellationToken.None);
        var viaSystemctl = await new SystemdSource(TimeProvider.System).ObserveAsync(units.Roster, CancellationToken.None);

        Assert.True(viaBus.Ok, viaBus.Error);
        Assert.Contains("D-Bus failed", viaBus.Note);
        Assert.Contains("used systemctl", viaBus.Note);
        Assert.Equal(viaSystemctl.Value!.Units.Values.Select(WithoutReadTime), viaBus.Value!.Units.Values.Select(WithoutReadTime));
    }

    [Fact(Timeout = Timeout)]
    public async Task Without_any_D_Bus_address_the_source_falls_back_to_systemctl_and_says_why()
    {
        using var units = await UnitsAsync();
        var bus = new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System), _ => null);

        var viaBus = await bus.ObserveAsync(units.Roster, CancellationToken.None);

        Assert.True(viaBus.Ok, viaBus.Error);
        Assert.Contains("no D-Bus address", viaBus.Note);
        Assert.Equal("active", viaBus.Value!.Units[units.Unit("on")].ActiveState);
    }
}
