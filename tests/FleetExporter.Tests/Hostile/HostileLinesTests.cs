using System.Text;
using FleetExporter.Agents.Hooks;
using FleetExporter.Heartbeats;
using FleetExporter.Roster;
using FleetExporter.Sources.Journal;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// The hostile-input suite, part one: what someone else wrote into a file or a pipe the product reads, one table per
/// input kind. Each row is parsed by the product's own reader: it is either used, or skipped (counted, logged or
/// refused with the place named), never fatal, and never the cause of another row's loss.
/// </summary>
public sealed class HostileLinesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>Send journal lines → how many of them count as a1's <c>sent</c> (the good line after each always counts).</summary>
    public static TheoryData<string, string, long> JournalLines => new()
    {
        { "a lone surrogate agent", """{"agent":"\ud800","verdict":"sent"}""", 0 },
        { "a lone surrogate verdict", """{"agent":"a1","verdict":"\udfff"}""", 0 },
        { "not JSON", "sent a1", 0 },
        { "JSON nested 10000 deep", new string('[', 10_000), 0 },
        { "an array", """["a1","sent"]""", 0 },
        { "numbers for strings", """{"agent":1,"verdict":2}""", 0 },
        { "an unknown verdict", """{"agent":"a1","verdict":"pwned"}""", 0 },
        { "an agent outside the roster", """{"agent":"stranger","verdict":"sent"}""", 0 },
        { "a 1 MiB agent name", "{\"agent\":\"" + new string('x', 1 << 20) + "\",\"verdict\":\"sent\"}", 0 },
        { "a NUL byte", "{\"agent\":\"a1\",\"verdict\":\"sent\"}\0", 0 },
        { "a carry line after the first", """{"carry":{"a1":{"sent":1000000}}}""", 0 },
        { "a well-formed entry", """{"agent":"a1","verdict":"sent"}""", 1 },
    };

    [Theory]
    [MemberData(nameof(JournalLines))]
    public void A_journal_line_counts_only_when_it_is_an_entry_of_a_roster_agent(string kind, string line, long counted)
    {
        var tally = new JournalTally(new HashSet<string> { "a1" });
        var first = Encoding.UTF8.GetBytes("""{"agent":"a1","verdict":"draft"}""");
        tally.Add(first, 0);
        tally.Add(Encoding.UTF8.GetBytes(line), first.Length + 1);
        tally.Add("""{"agent":"a1","verdict":"sent"}"""u8, 1 << 22);

        Assert.True(counted + 1 == tally.Counts["a1"].GetValueOrDefault("sent"), kind);
        Assert.Equal(1, tally.Counts["a1"]["draft"]);
        Assert.Equal(["a1"], tally.Counts.Keys);
    }

    /// <summary>Heartbeat file contents → the state read (a file is one reading; nothing else is affected).</summary>
    public static TheoryData<string, string, HeartbeatState> Heartbeats => new()
    {
        { "empty", "", HeartbeatState.Invalid },
        { "not JSON", "alive", HeartbeatState.Invalid },
        { "a future version", """{"v":2,"ts":1800000000}""", HeartbeatState.Invalid },
        { "no timestamp", """{"v":1}""", HeartbeatState.Invalid },
        { "a timestamp of 1e300", """{"v":1,"ts":1e300}""", HeartbeatState.Invalid },
        { "a negative interval", """{"v":1,"ts":1800000000,"interval_s":-5}""", HeartbeatState.Invalid },
        { "invalid UTF-8", "{\"v\":1,\"ts\":1800000000,\"status\":\"\xff\xfe\"}", HeartbeatState.Invalid },
        { "a lone surrogate status", """{"v":1,"ts":1800000000,"status":"\ud800"}""", HeartbeatState.Ok },
        { "a hook field of the wrong type", """{"v":1,"ts":1800000000,"state":42,"subagents":"x"}""", HeartbeatState.Ok },
        { "control characters in the status", "{\"v\":1,\"ts\":1800000000,\"status\":\"\\u001b]52;c;aGk=\\u0007\"}", HeartbeatState.Ok },
        { "a well-formed beat", """{"v":1,"ts":1800000000,"seq":3,"status":"working"}""", HeartbeatState.Ok },
    };

    [Theory]
    [MemberData(nameof(Heartbeats))]
    public void A_heartbeat_file_is_read_as_ok_or_invalid_with_its_problem_never_thrown(string kind, string content, HeartbeatState state)
    {
        var bytes = kind == "invalid UTF-8" ? [.. Encoding.Latin1.GetBytes(content)] : Encoding.UTF8.GetBytes(content);
        var reading = HeartbeatParser.Parse("/hb/a1.hb", bytes, Now, TimeSpan.FromSeconds(30));

        Assert.True(state == reading.State, $"{kind}: {reading.State} ({reading.Problem})");
        if (state == HeartbeatState.Invalid) Assert.False(string.IsNullOrEmpty(reading.Problem), kind);
    }

    /// <summary>Hook payloads on stdin → the event read, or a refusal that says why (the hook logs it and exits 0).</summary>
    public static TheoryData<string, string, string?> HookPayloads => new()
    {
        { "not JSON", "hello", null },
        { "an array", "[]", null },
        { "no event name", """{"session_id":"s"}""", null },
        { "JSON nested 10000 deep", new string('[', 10_000), null },
        { "a lone surrogate prompt", """{"hook_event_name":"UserPromptSubmit","session_id":"s","prompt":"x\ud800y"}""", "UserPromptSubmit" },
        { "a 64 KiB session id", "{\"hook_event_name\":\"Stop\",\"session_id\":\"" + new string('s', 65536) + "\"}", "Stop" },
        { "an unknown event", """{"hook_event_name":"SomethingNew","session_id":"s"}""", "SomethingNew" },
        { "a well-formed event", """{"hook_event_name":"Stop","session_id":"s"}""", "Stop" },
    };

    [Theory]
    [MemberData(nameof(HookPayloads))]
    public void A_hook_payload_is_an_event_or_a_refusal_that_says_why(string kind, string payload, string? eventName)
    {
        if (eventName is null)
        {
            var e = Assert.Throws<HookPayloadException>(() => HookEvent.Parse(Encoding.UTF8.GetBytes(payload), EventMaps.Claude));
            Assert.False(string.IsNullOrWhiteSpace(e.Message), kind);
        }
        else Assert.Equal(eventName, HookEvent.Parse(Encoding.UTF8.GetBytes(payload), EventMaps.Claude).Name);
    }

    /// <summary>Roster YAML → refused with the line and the field named (the exporter keeps its last good roster).</summary>
    public static TheoryData<string, string, string> Rosters => new()
    {
        { "a name with a trailing newline", "agents:\n  - { name: \"a1\\n\", runtime: claude }\n", ":2: agents[0].name" },
        { "a name with ESC", "agents:\n  - { name: \"a\\e[31m\", runtime: claude }\n", ":2: agents[0].name" },
        { "a name that is a path", "agents:\n  - { name: ../etc, runtime: claude }\n", ":2: agents[0].name" },
        { "a host with a trailing newline", "host: \"h\\n\"\nagents: []\n", ":1: host" },
        { "a tenant with a newline", "tenant: \"a\\nb\"\nagents: []\n", ":1: tenant" },
        { "an unknown runtime", "agents:\n  - { name: a1, runtime: nope }\n", "runtime" },
        { "an anchor bomb", "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nagents: []\n", "roster.yaml" },
        { "a duplicate agent", "agents:\n  - { name: a1, runtime: claude }\n  - { name: a1, runtime: claude }\n", "a1" },
    };

    [Theory]
    [MemberData(nameof(Rosters))]
    public void A_roster_is_refused_with_the_place_named(string kind, string yaml, string names)
    {
        var e = Assert.Throws<RosterException>(() => RosterLoader.Parse(yaml, "roster.yaml"));

        Assert.True(e.Message.Contains(names, StringComparison.Ordinal), $"{kind}: {e.Message}");
        Assert.DoesNotContain(e.Message, c => char.IsControl(c));
    }
}
