using FleetExporter.Roster;
using FleetExporter.Tests.Infrastructure;
using static FleetExporter.Tests.Roster.RosterErrors;

namespace FleetExporter.Tests.Roster;

public sealed class RosterLoaderTests
{
    [Fact]
    public void A_runtime_named_by_a_list_instead_of_a_string_is_a_roster_error_with_its_line()
    {
        var e = Refused("runtimes:\n  ? [x]\n  : { commands: [x] }\nagents: []\n");

        AssertNames(e, 2, "runtimes");
    }

    [Fact]
    public void A_minimal_roster_gets_every_documented_default()
    {
        var roster = RosterLoader.Parse("agents:\n  - name: builder-1\n    runtime: claude\n", FileName);

        var agent = Assert.Single(roster.Agents);
        Assert.Equal("builder-1", agent.Name);
        Assert.Equal("default", agent.Tenant);
        Assert.Equal("fleet-agent@builder-1.service", agent.Unit);
        Assert.Equal("builder-1", agent.Session);
        Assert.Equal(TimeSpan.FromSeconds(30), agent.HeartbeatInterval);
        Assert.Equal(2, agent.Line);
        Assert.Equal(SystemdScope.User, roster.Systemd.Scope);
        Assert.Equal("/var/lib/systemd/linger", roster.Systemd.LingerDirectory);
        Assert.Equal(TimeSpan.FromSeconds(60), roster.Systemd.UnitFileStateMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(30), roster.Heartbeat.Interval);
        Assert.Equal(RosterLoader.DefaultHeartbeatDirectory(), roster.Heartbeat.Directory);
        Assert.EndsWith(Path.Combine("fleet", "run"), roster.Heartbeat.Directory);
        Assert.Equal(["-L", "default"], roster.Tmux.ServerArguments()); // never left to $TMUX
        Assert.False(string.IsNullOrEmpty(roster.Host));
        Assert.Equal(FileName, roster.SourcePath);
        Assert.Equal(["aider", "claude", "codex", "gemini", "pi"], roster.Runtimes.Keys.Order());
    }

    [Fact]
    public void Every_documented_key_is_read()
    {
        var roster = RosterLoader.Parse("""
            tenant: acme
            host: build-01
            heartbeat:
              dir: /srv/hb
              interval: 15s
            systemd:
              scope: system
              unit_template: "agent-{name}.service"
              linger_dir: /srv/linger
              unit_file_state_max_age: 5m
            tmux:
              socket_name: fleet
            runtimes:
              mybot: { match: ['python3 .*mybot\.py'], prompts: ['^\$ (?<input>.*)$'] }
              claude: { commands: [claude, node] }
            agents:
              - name: a1
                runtime: mybot
              - name: a2
                runtime: claude
                unit: custom.service
                session: s2
                tenant: other
                heartbeat_interval: 1m30s
                hooks: true
            """, FileName);

        Assert.Equal("build-01", roster.Host);
        Assert.Equal("/srv/hb", roster.Heartbeat.Directory);
        Assert.Equal(Path.Combine("/srv/hb", "a1.hb"), roster.Heartbeat.FileFor("a1"));
        Assert.Equal(SystemdScope.System, roster.Systemd.Scope);
        Assert.Equal("/srv/linger", roster.Systemd.LingerDirectory);
        Assert.Equal(TimeSpan.FromMinutes(5), roster.Systemd.UnitFileStateMaxAge);
        Assert.Equal(["-L", "fleet"], roster.Tmux.ServerArguments());
        Assert.Equal(["claude", "node"], roster.Runtimes["claude"].Commands);
        Assert.Matches(roster.Runtimes["mybot"].Match[0], "python3 /opt/mybot.py --x");
        Assert.Equal("hi", roster.Runtimes["mybot"].Prompts[0].Match("$ hi").Groups["input"].Value);

        var (a1, a2) = (roster.Agents[0], roster.Agents[1]);
        Assert.Equal(("acme", "agent-a1.service", "a1", TimeSpan.FromSeconds(15)), (a1.Tenant, a1.Unit, a1.Session, a1.HeartbeatInterval));
        Assert.Equal(("other", "custom.service", "s2", TimeSpan.FromSeconds(90)), (a2.Tenant, a2.Unit, a2.Session, a2.HeartbeatInterval));
        Assert.Equal((false, true), (a1.HooksInstalled, a2.HooksInstalled));
    }

    [Fact]
    public void A_roster_runtime_without_prompts_gets_the_default_prompt()
    {
        var roster = RosterLoader.Parse("runtimes:\n  sleeper: { commands: [sleep] }\nagents: []\n", FileName);

        Assert.Same(BuiltInRuntimes.DefaultPrompt, Assert.Single(roster.Runtimes["sleeper"].Prompts));
        Assert.Empty(roster.Agents);
    }

    [Fact]
    public void A_prompt_pattern_without_an_input_group_is_refused_with_its_line_and_key()
    {
        var e = Refused("""
            runtimes:
              mybot:
                commands: [mybot]
                prompts:
                  - '^mybot> (?<input>.*)$'
                  - '^\$ .*$'
            agents: []
            """);

        AssertNames(e, 6, "runtimes.mybot.prompts[1]");
        Assert.Contains("input", e.Problem);
    }

    [Fact]
    public void A_prompt_pattern_with_an_unnamed_group_only_is_refused_too()
    {
        var e = Refused("runtimes:\n  mybot: { commands: [mybot], prompts: ['^> (.*)$'] }\nagents: []\n");

        AssertNames(e, 2, "runtimes.mybot.prompts[0]");
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_with_a_prompt_pattern_without_an_input_group_exits_2_naming_the_file_line_and_key()
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", "runtimes:\n  mybot: { commands: [mybot], prompts: ['^> .*$'] }\nagents:\n  - { name: a1, runtime: mybot }\n");

        var r = await InProcessCli.RunOrSpawnAsync(["--roster", roster, "send", "a1", "hello"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{roster}:2: runtimes.mybot.prompts[0]:", r.StandardError);
    }

    [Fact]
    public void Include_and_exclude_globs_select_agents()
    {
        var roster = RosterLoader.Parse("""
            include: ["build-*", "x?"]
            exclude: ["build-old-*"]
            agents:
              - { name: build-1, runtime: claude }
              - { name: build-old-1, runtime: claude }
              - { name: deploy-1, runtime: claude }
              - { name: x1, runtime: claude }
              - { name: x10, runtime: claude }
            """, FileName);

        Assert.Equal(["build-1", "x1"], roster.Agents.Select(a => a.Name));
    }

    [Fact]
    public void Excluded_agents_are_still_checked_for_duplicates()
    {
        var e = Refused("""
            exclude: ["a"]
            agents:
              - { name: a, runtime: claude }
              - { name: a, runtime: claude }
            """);

        AssertNames(e, 4, "agents[1].name");
    }

    [Fact]
    public void A_tilde_in_paths_means_the_home_directory()
    {
        var home = Environment.GetEnvironmentVariable("HOME")!;
        var roster = RosterLoader.Parse("heartbeat: { dir: ~/hb }\nsystemd: { linger_dir: \"~\" }\ntmux: { socket_path: ~/t.sock }\nagents: []\n", FileName);

        Assert.Equal(Path.Combine(home, "hb"), roster.Heartbeat.Directory);
        Assert.Equal(home, roster.Systemd.LingerDirectory);
        Assert.Equal(["-S", Path.Combine(home, "t.sock")], roster.Tmux.ServerArguments());
    }

    [Fact]
    public void The_unit_template_names_each_agents_unit()
    {
        var roster = RosterLoader.Parse("systemd: { unit_template: \"x-agent@{name}.service\" }\nagents:\n  - { name: b-2, runtime: pi }\n", FileName);

        Assert.Equal("x-agent@b-2.service", roster.Agents[0].Unit);
    }

    [Theory]
    [InlineData("agents: []\nbogus: 1\n", 2, "bogus")]
    [InlineData("heartbeat:\n  dir: /x\n  intervall: 5s\nagents: []\n", 3, "heartbeat.intervall")]
    [InlineData("systemd:\n  unit-template: x\nagents: []\n", 2, "systemd.unit-template")]
    [InlineData("tmux:\n  socket: x\nagents: []\n", 2, "tmux.socket")]
    [InlineData("runtimes:\n  r:\n    command: [x]\nagents: []\n", 3, "runtimes.r.command")]
    [InlineData("agents:\n  - name: a\n    runtime: claude\n    sesion: b\n", 4, "agents[0].sesion")]
    public void An_unknown_key_is_refused_with_file_line_and_key(string yaml, int line, string key)
    {
        var e = Refused(yaml);

        AssertNames(e, line, key);
        Assert.Contains("unknown key", e.Problem);
    }

    [Fact]
    public void A_duplicate_agent_is_refused_naming_the_first_line()
    {
        var e = Refused("agents:\n  - name: a\n    runtime: claude\n  - name: a\n    runtime: pi\n");

        AssertNames(e, 4, "agents[1].name");
        Assert.Contains("duplicate agent \"a\"", e.Problem);
        Assert.Contains("first at line 2", e.Problem);
    }

    [Fact]
    public void Two_agents_sharing_a_unit_are_refused()
    {
        var e = Refused("agents:\n  - { name: a, runtime: claude, unit: u.service }\n  - { name: b, runtime: claude, unit: u.service }\n");

        AssertNames(e, 3, "agents[1].unit");
    }

    [Fact]
    public void Two_agents_sharing_a_session_are_refused()
    {
        var e = Refused("agents:\n  - { name: a, runtime: claude }\n  - { name: b, runtime: claude, session: a }\n");

        AssertNames(e, 3, "agents[1].session");
    }

    [Theory]
    [InlineData("has.dot")]
    [InlineData("has:colon")]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("sl/ash")]
    [InlineData("ünïcode")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void A_name_tmux_or_systemd_cannot_hold_is_refused(string name)
    {
        var e = Refused($"agents:\n  - runtime: claude\n    name: \"{name}\"\n");

        AssertNames(e, 3, "agents[0].name");
    }

    [Fact]
    public void A_name_of_63_characters_is_accepted()
    {
        var name = new string('a', 63);

        var roster = RosterLoader.Parse($"agents:\n  - {{ name: {name}, runtime: claude }}\n", FileName);

        Assert.Equal(name, roster.Agents[0].Name);
    }

    [Theory]
    [InlineData("session: \"a.b\"", "agents[0].session")]
    [InlineData("session: \"=a\"", "agents[0].session")]
    [InlineData("unit: \"no-suffix\"", "agents[0].unit")]
    [InlineData("unit: \"sp ace.service\"", "agents[0].unit")]
    [InlineData("tenant: \"a b\"", "agents[0].tenant")]
    public void A_session_unit_or_tenant_that_cannot_be_held_is_refused(string line, string key)
    {
        var e = Refused($"agents:\n  - name: a\n    runtime: claude\n    {line}\n");

        AssertNames(e, 4, key);
    }

    [Fact]
    public void A_unit_template_that_makes_a_bad_unit_name_is_refused_at_the_agent()
    {
        var e = Refused("systemd: { unit_template: \"{name}\" }\nagents:\n  - { name: a, runtime: claude }\n");

        AssertNames(e, 3, "agents[0].unit");
    }

    [Fact]
    public void An_unknown_runtime_is_refused_listing_the_known_ones()
    {
        var e = Refused("agents:\n  - name: a\n    runtime: claud\n");

        AssertNames(e, 3, "agents[0].runtime");
        Assert.Contains("unknown runtime \"claud\"", e.Problem);
        Assert.Contains("claude", e.Problem);
    }

    [Fact]
    public void A_missing_runtime_is_refused()
    {
        var e = Refused("agents:\n  - name: a\n");

        AssertNames(e, 2, "agents[0].runtime");
    }

    [Theory]
    [InlineData("heartbeat:\n  interval: 30\nagents: []\n", 2, "heartbeat.interval")]
    [InlineData("heartbeat:\n  interval: 0s\nagents: []\n", 2, "heartbeat.interval")]
    [InlineData("heartbeat:\n  interval: -5s\nagents: []\n", 2, "heartbeat.interval")]
    [InlineData("systemd:\n  unit_file_state_max_age: soon\nagents: []\n", 2, "systemd.unit_file_state_max_age")]
    [InlineData("agents:\n  - name: a\n    runtime: claude\n    heartbeat_interval: 5 minutes\n", 4, "agents[0].heartbeat_interval")]
    public void A_bad_duration_is_refused(string yaml, int line, string key)
    {
        var e = Refused(yaml);

        AssertNames(e, line, key);
        Assert.Contains("not a duration", e.Problem);
    }

    [Theory]
    [InlineData("systemd:\n  scope: global\nagents: []\n", 2, "systemd.scope")]
    [InlineData("tmux:\n  socket_name: a\n  socket_path: /b\nagents: []\n", 3, "tmux.socket_path")]
    [InlineData("tmux:\n  socket_name: a/b\nagents: []\n", 2, "tmux.socket_name")]
    [InlineData("runtimes:\n  Bad: { commands: [x] }\nagents: []\n", 2, "runtimes.Bad")]
    [InlineData("runtimes:\n  r: {}\nagents: []\n", 2, "runtimes.r")]
    [InlineData("runtimes:\n  r:\n    match: ['(']\nagents: []\n", 3, "runtimes.r.match[0]")]
    [InlineData("tenant: \"a b\"\nagents: []\n", 1, "tenant")]
    [InlineData("agents: {}\n", 1, "agents")]
    [InlineData("tenant: x\n", 1, "agents")]
    [InlineData("agents:\n  - just-a-name\n", 2, "agents[0]")]
    [InlineData("agents: []\nheartbeat: { dir: [a] }\n", 2, "heartbeat.dir")]
    [InlineData("agents:\n  - name: \"\"\n    runtime: claude\n", 2, "agents[0].name")]
    [InlineData("agents:\n  - name: a1\n    runtime: claude\n    hooks: yes\n", 4, "agents[0].hooks")]
    public void Other_bad_values_are_refused_with_file_line_and_key(string yaml, int line, string key)
    {
        AssertNames(Refused(yaml), line, key);
    }

    [Fact]
    public void Broken_yaml_is_refused_with_its_line()
    {
        var e = Refused("agents:\n  - name: a\n    runtime: [claude\n");

        Assert.Equal("(yaml)", e.Key);
        Assert.True(e.Line >= 3, $"line {e.Line}");
        Assert.StartsWith($"{FileName}:{e.Line}: (yaml): ", e.Message);
    }

    [Fact]
    public void A_key_given_twice_is_refused_with_its_line()
    {
        var e = Refused("agents: []\ntenant: a\ntenant: b\n");

        Assert.Equal(3, e.Line);
        Assert.StartsWith($"{FileName}:3: ", e.Message);
        Assert.Contains("tenant", e.Message);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var e = Refused("");

        Assert.StartsWith($"{FileName}:1: ", e.Message);
    }

    [Fact]
    public void An_unreadable_file_is_refused_naming_it()
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.LoadFile("/nonexistent/roster.yaml"));

        Assert.Equal("/nonexistent/roster.yaml", e.File);
        Assert.StartsWith("/nonexistent/roster.yaml: ", e.Message);
    }
}
