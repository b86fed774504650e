using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Hostile;

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
        { ["ps", "--prometheus", "http://x" + Osc52], 2, "\\x1b]52;c;aGk=\\x07" },
        { ["init", "--agent", "x" + Osc52, "--dry-run"], 2, "\\x1b]52;c;aGk=\\x07" },
        { ["hooks", "install", "claude", "--agent", "x" + Osc52, "--dry-run"], 2, "\\x1b]52;c;aGk=\\x07" },
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

    /// <summary>Credentials in the URL were not used to log in, yet shown in every error and on the unauthenticated /fleet page.</summary>
    [Theory(Timeout = 60_000)]
    [InlineData("ps", "--prometheus")]
    [InlineData("serve", "--prometheus.url")]
    public async Task A_prometheus_url_with_credentials_is_refused_without_showing_them(string command, string option)
    {
        using var dir = new TempDirectory();
        var roster = dir.Write("roster.yaml", "agents: []\n");

        var r = await FleetBinary.RunAsync([command, "--roster", roster, option, "http://admin:s3cret@127.0.0.1:1/"], timeout: TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.StandardError}");
        Assert.Contains("has credentials", r.StandardError);
        Assert.Contains("--http.config.file", r.StandardError);
        Assert.DoesNotContain("s3cret", r.StandardError + r.StandardOutput);
    }
}
