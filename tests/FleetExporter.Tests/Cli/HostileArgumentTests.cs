using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Cli;

/// <summary>
/// Command lines carrying terminal controls (a path or address pasted from elsewhere, an environment variable): each
/// is refused with its documented exit code ("{roster}" stands for a good roster), and what it echoes reaches the terminal escaped, never raw.
/// </summary>
public sealed class HostileArgumentTests
{
    private const string Osc52 = "\u001b]52;c;aGk=\u0007";

    public static TheoryData<string[], int, string> Cases => new()
    {
        { ["ps", "--roster", "/tmp/no-such-dir" + Osc52 + "/r.yaml"], 2, "no roster at /tmp/no-such-dir\\x1b]52;c;aGk=\\x07/r.yaml" },
        { ["serve", "--roster", "{roster}", "--web.listen-address", Osc52 + ":1"], 2, "--web.listen-address \"\\x1b]52;c;aGk=\\x07:1\"" },
        { ["ps", Osc52], 2, "\\x1b]52;c;aGk=\\x07" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public async Task A_control_character_in_an_argument_is_echoed_escaped(string[] args, int exitCode, string says)
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", "agents: []\n");

        var r = await FleetBinary.RunAsync([.. args.Select(a => a.Replace("{roster}", roster))], timeout: TimeSpan.FromSeconds(30), env: new Dictionary<string, string?> { ["FLEET_ROSTER"] = null });

        Assert.True(r.ExitCode == exitCode, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains(says, r.StandardError);
        Assert.DoesNotContain(r.StandardError + r.StandardOutput, c => char.IsControl(c) && c is not '\n' and not '\r');
    }
}
