using FleetExporter.Sources.Systemd;

namespace FleetExporter.Tests.Sources;

public sealed class SystemctlShowParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Captured from systemd 252: <c>systemctl --user show --no-pager -p Id,LoadState,ActiveState,SubState,MainPID,NRestarts,UnitFileState --</c>
    /// with an enabled and started template instance, a started but disabled one, a never-started one, a unit in a
    /// restart loop (no [Install] section), a unit that does not exist, a running simple service and a masked instance.
    /// </summary>
    private const string Captured = """
        MainPID=0
        NRestarts=0
        Id=cap-agent@alpha.service
        LoadState=loaded
        ActiveState=active
        SubState=exited
        UnitFileState=enabled

        MainPID=0
        NRestarts=0
        Id=cap-agent@beta.service
        LoadState=loaded
        ActiveState=active
        SubState=exited
        UnitFileState=disabled

        MainPID=0
        NRestarts=0
        Id=cap-agent@gamma.service
        LoadState=loaded
        ActiveState=inactive
        SubState=dead
        UnitFileState=disabled

        MainPID=0
        NRestarts=0
        Id=cap-fail.service
        LoadState=loaded
        ActiveState=activating
        SubState=auto-restart
        UnitFileState=static

        MainPID=0
        NRestarts=0
        Id=nonexist.service
        LoadState=not-found
        ActiveState=inactive
        SubState=dead
        UnitFileState=

        MainPID=5771
        NRestarts=0
        Id=cap-simple.service
        LoadState=loaded
        ActiveState=active
        SubState=running
        UnitFileState=static

        MainPID=0
        NRestarts=0
        Id=cap-agent@masked.service
        LoadState=masked
        ActiveState=inactive
        SubState=dead
        UnitFileState=masked

        """;

    private static readonly string[] Units =
    [
        "cap-agent@alpha.service", "cap-agent@beta.service", "cap-agent@gamma.service", "cap-fail.service",
        "nonexist.service", "cap-simple.service", "cap-agent@masked.service",
    ];

    private static readonly Dictionary<string, (string? State, DateTimeOffset At)> NoCache = new();

    [Fact]
    public void Each_block_becomes_the_facts_of_the_unit_asked_for_in_that_position()
    {
        var facts = SystemctlShowParser.ToFacts(Units, Captured, NoCache, Now);

        Assert.Equal(Units.Order(), facts.Keys.Order());
        Assert.Equal(new UnitFacts("cap-agent@alpha.service", "loaded", "active", "exited", "enabled", Now, null, 0), facts["cap-agent@alpha.service"]);
        Assert.Equal(("active", "disabled"), (facts["cap-agent@beta.service"].ActiveState, facts["cap-agent@beta.service"].UnitFileState));
        Assert.Equal(("inactive", "dead"), (facts["cap-agent@gamma.service"].ActiveState, facts["cap-agent@gamma.service"].SubState));
        Assert.Equal(("activating", "auto-restart", "static"), (facts["cap-fail.service"].ActiveState, facts["cap-fail.service"].SubState, facts["cap-fail.service"].UnitFileState));
        Assert.Equal(5771, facts["cap-simple.service"].MainPid);
        Assert.Equal(("masked", "masked"), (facts["cap-agent@masked.service"].LoadState, facts["cap-agent@masked.service"].UnitFileState));
    }

    [Fact]
    public void A_unit_that_does_not_exist_is_not_found_with_no_file_state()
    {
        var facts = SystemctlShowParser.ToFacts(Units, Captured, NoCache, Now);

        var missing = facts["nonexist.service"];
        Assert.Equal(("not-found", "inactive"), (missing.LoadState, missing.ActiveState));
        Assert.Null(missing.UnitFileState);
        Assert.Null(missing.MainPid);
    }

    [Fact]
    public void Without_UnitFileState_in_the_output_the_cached_value_and_its_age_are_kept()
    {
        var output = """
            MainPID=0
            NRestarts=2
            Id=cap-agent@alpha.service
            LoadState=loaded
            ActiveState=active
            SubState=exited

            """;
        var readAt = Now.AddSeconds(-40);
        var cache = new Dictionary<string, (string? State, DateTimeOffset At)> { ["cap-agent@alpha.service"] = ("enabled", readAt) };

        var facts = SystemctlShowParser.ToFacts(["cap-agent@alpha.service"], output, cache, Now);

        Assert.Equal("enabled", facts["cap-agent@alpha.service"].UnitFileState);
        Assert.Equal(readAt, facts["cap-agent@alpha.service"].UnitFileStateReadAt);
        Assert.Equal(2, facts["cap-agent@alpha.service"].Restarts);
    }

    [Fact]
    public void Without_UnitFileState_or_a_cached_value_the_file_state_is_unknown()
    {
        var output = "Id=u.service\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=7\n";

        var facts = SystemctlShowParser.ToFacts(["u.service"], output, NoCache, Now);

        Assert.Null(facts["u.service"].UnitFileState);
        Assert.Null(facts["u.service"].UnitFileStateReadAt);
    }

    [Fact]
    public void Fewer_blocks_than_units_is_a_format_error_not_a_silent_misattribution()
    {
        Assert.Throws<FormatException>(() => SystemctlShowParser.ToFacts([.. Units, "extra.service"], Captured, NoCache, Now));
    }

    [Fact]
    public void Carriage_returns_and_values_holding_equals_signs_are_kept_apart()
    {
        var blocks = SystemctlShowParser.ParseBlocks("Id=a.service\r\nDescription=x=y\r\n\r\n\r\nId=b.service\n");

        Assert.Equal(2, blocks.Count);
        Assert.Equal("x=y", blocks[0]["Description"]);
        Assert.Equal("b.service", blocks[1]["Id"]);
    }
}
