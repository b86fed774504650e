using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// Hostile rosters given to the real binary (`ps --roster`): each is refused with exit code 2 and a one-line reason,
/// within seconds, without a stack trace, and without writing a control character from the roster to the terminal.
/// </summary>
public sealed class HostileRosterTests
{
    private const int Timeout = 60_000;

    private const string Agents = "agents:\n  - { name: a1, runtime: claude }\n";

    /// <summary>Case name → (how to make the roster in a directory, what stderr must say).</summary>
    private static readonly Dictionary<string, (Func<TempDirectory, string> Make, string Says)> Cases = new()
    {
        ["nested 40000 deep"] = (d => d.Write("r.yaml", "agents: " + new string('[', 40000) + new string(']', 40000) + "\n"), ":1: (yaml): nested deeper than 64"),
        ["a mapping nested 40000 deep"] = (d => d.Write("r.yaml", "agents: []\nx: " + string.Concat(Enumerable.Repeat("{a: ", 40000)) + "1" + new string('}', 40000) + "\n"), "nested deeper than 64"),
        ["larger than 1 MiB"] = (d => d.Write("r.yaml", Agents + string.Concat(Enumerable.Repeat("# padding padding padding\n", 50_000))), ": (file): larger than 1048576 bytes"),
        ["/dev/zero"] = (_ => "/dev/zero", "/dev/zero: (file): not a regular file (a character device)"),
        ["/dev/urandom"] = (_ => "/dev/urandom", "/dev/urandom: (file): not a regular file (a character device)"),
        ["a symlink to /dev/zero"] = (d => Link(d, "/dev/zero"), ": (file): not a regular file (a character device)"),
        ["a FIFO"] = (d => Fifo(d), ": (file): not a regular file (a FIFO)"),
        ["a directory"] = (d => d.Path, ": (file): a directory, not a roster file"),
        ["an ESC in host"] = (d => d.Write("r.yaml", "host: \"evil\\e]52;c;aGk=\\a\"\n" + Agents), ":1: host: \"evil\\x1b]52;c;aGk=\\x07\" is not a valid host name"),
        ["an OSC 52 in an agent name"] = (d => d.Write("r.yaml", "agents:\n  - { name: \"a\\e]52;c;aGk=\\a\", runtime: claude }\n"), "\"a\\x1b]52;c;aGk=\\x07\" cannot name"),
        ["a 500 KB tenant"] = (d => d.Write("r.yaml", "tenant: " + new string('t', 500_000) + "x.\n" + Agents), ":1: tenant: \"tttt"),
        ["a character class in a glob"] = (d => d.Write("r.yaml", "include: [\"[ok]*\"]\n" + Agents), ":1: include[0]: \"[ok]*\" is not a supported glob"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory(Timeout = Timeout)]
    [MemberData(nameof(CaseNames))]
    public async Task A_hostile_roster_exits_2_with_a_short_clean_reason(string name)
    {
        using var dir = new TempDirectory();
        var (make, says) = Cases[name];
        var roster = make(dir);

        var r = await FleetBinary.RunAsync(["ps", "--roster", roster], timeout: TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode} after {r.Elapsed.TotalSeconds:0.0} s: {Head(r.StandardError)}");
        Assert.Contains(says, r.StandardError);
        Assert.StartsWith("fleet-exporter: roster error: ", r.StandardError);
        Assert.True(r.StandardError.Length < 1000, $"{r.StandardError.Length} characters: {Head(r.StandardError)}");
        Assert.DoesNotContain(r.StandardError, c => char.IsControl(c) && c != '\n');
        Assert.Equal("", r.StandardOutput);
    }

    private static string Head(string s) => s.Length > 500 ? s[..500] + "…" : s;

    private static string Link(TempDirectory dir, string target)
    {
        var link = dir.File("r.yaml");
        File.CreateSymbolicLink(link, target);
        return link;
    }

    private static string Fifo(TempDirectory dir)
    {
        var path = dir.File("r.yaml");
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        return path;
    }
}
