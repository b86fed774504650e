using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// The hostile-input suite, part three: names given on the command line or in the environment (agent, socket,
/// runtime) that are no names. Each is refused with its documented exit code, the name shown escaped (no raw control
/// character reaches the terminal or a log), and nothing is written or typed anywhere.
/// </summary>
public sealed class HostileNamesTests
{
    public static TheoryData<string, string> Names => new()
    {
        { "a trailing newline", "a1\n" },
        { "an escape sequence", "a1\u001b[31mred" },
        { "a path", "../a1" },
        { "a space", "a 1" },
        { "64 characters", new string('a', 64) },
        { "a leading dash", "-a1" },
        { "OSC 52 (clipboard)", "\u001b]52;c;aGk=\u0007" },
    };

    /// <summary>Command (with {name}) → exit code for a name that is none.</summary>
    public static TheoryData<string, string, int> Commands
    {
        get
        {
            var rows = new TheoryData<string, string, int>();
            foreach (var (command, exit) in new (string, int)[]
                     {
                         ("init --agent {name} --dry-run", 2),
                         ("init --agent a1 --tmux-socket {name} --dry-run", 2),
                         ("heartbeat {name} --status x", 3),
                         ("send {name} hello", 3),
                         ("hooks install claude --agent {name} --dry-run", 2),
                     })
                foreach (var name in Names)
                    rows.Add(command, (string)name[0], exit);
            return rows;
        }
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Commands))]
    public async Task A_name_that_is_none_is_refused_escaped_with_nothing_written(string command, string kind, int exit)
    {
        var name = (string)Names.First(n => (string)n[0] == kind)[1];
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", $$"""
            heartbeat: { dir: {{dir.File("hb")}} }
            tmux: { socket_name: hostile-names }
            send_journal: {{dir.File("sends.jsonl")}}
            agents: [ { name: a1, runtime: claude } ]
            """);
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = dir.File("home"), ["XDG_CONFIG_HOME"] = dir.File("home/.config"), ["XDG_STATE_HOME"] = dir.File("state"), ["FLEET_ROSTER"] = roster,
        };
        // Split on spaces first, then put the name in whole: it may hold spaces itself.
        string[] args = [.. command.Split(' ').Select(w => w == "{name}" ? name : w)];

        var r = await FleetBinary.RunAsync(args, TimeSpan.FromSeconds(30), env);

        Assert.True(exit == r.ExitCode, $"{command} with {kind}: exit {r.ExitCode}\n{r.StandardError}");
        Assert.DoesNotContain(r.StandardError.TrimEnd('\n'), c => char.IsControl(c) && c != '\n');
        if (name.Any(char.IsControl)) Assert.DoesNotContain(name, r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.True(r.StandardError.TrimEnd('\n').Split('\n').Length <= 3, r.StandardError);
        Assert.False(Directory.Exists(dir.File("hb")) && Directory.EnumerateFileSystemEntries(dir.File("hb")).Any(), "a heartbeat was written");
        Assert.False(Directory.Exists(dir.File("home")), "something was written under HOME");
        Assert.False(File.Exists(dir.File("sends.jsonl")), "a send was journaled");
    }
}
