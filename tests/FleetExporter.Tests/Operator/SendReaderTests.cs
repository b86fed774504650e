using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// <c>send</c> judged by the program that actually reads the pane, through the real binary: a reader behind a pty of
/// its own, a line-reading reader and a raw one, and message bytes the reader would not receive as given.
/// </summary>
public sealed class SendReaderTests
{
    private const int Timeout = 90_000;

    [Fact(Timeout = Timeout)]
    public async Task A_program_under_a_pty_of_its_own_that_never_reads_is_not_accepted()
    {
        await using var rig = new OperatorRig().WithRoster(["deaf"]);
        // script reads the pane's terminal at once and writes what it read into its own pty, where sleep never reads it.
        await rig.StartAsync("deaf", "exec script -qfc 'exec sleep 600' /dev/null");
        var inner = await InnerTerminalAsync(rig, "deaf", "sleep");

        var r = await rig.FleetAsync("send", "deaf", "anyone home", "--verify", "--verify-timeout", "2000", "--json");

        Assert.Equal(1, r.ExitCode);
        var json = OperatorRig.Json(r);
        Assert.Equal("unverifiable", json.GetProperty("verdict").GetString());
        var after = json.GetProperty("after");
        Assert.Contains("anyone home", after.GetProperty("text").GetString()); // the inner pty echoed it, script drew it
        Assert.Equal("anyone home".Length + 1, after.GetProperty("tty_queued_bytes").GetInt32());
        Assert.Equal(inner, after.GetProperty("tty").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_program_under_a_pty_of_its_own_that_reads_is_accepted()
    {
        await using var rig = new OperatorRig().WithRoster(["wrapped"]);
        await rig.StartAsync("wrapped", "exec script -qfc 'exec cat' /dev/null");
        var inner = await InnerTerminalAsync(rig, "wrapped", "cat");

        var r = await rig.FleetAsync("send", "wrapped", "read me", "--verify", "--json");

        Assert.True(r.ExitCode == 0, r.StandardError);
        var after = OperatorRig.Json(r).GetProperty("after");
        Assert.Equal(0, after.GetProperty("tty_queued_bytes").GetInt32());
        Assert.Equal(inner, after.GetProperty("tty").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task A_message_that_is_not_valid_UTF_8_is_refused_with_exit_2_and_nothing_typed()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");

        // A process started from .NET cannot pass raw bytes; the shell's printf puts 0xFF into argv.
        var invalid = await ShellAsync(rig, "exec dotnet \"$0\" --roster \"$1\" send cat1 \"$(printf 'ab\\377c')\"");
        var replacement = await ShellAsync(rig, "exec dotnet \"$0\" --roster \"$1\" send cat1 \"$(printf 'ab\\357\\277\\275c')\"");

        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("not valid UTF-8", invalid.StandardError);
        Assert.Contains("0xFF at byte 2", invalid.StandardError);
        Assert.True(replacement.ExitCode == 0, replacement.StandardError); // U+FFFD typed as valid UTF-8 is text like any other
        var lines = new List<string>();
        Assert.True(await TmuxServer.EventuallyAsync(async () => (lines = await LinesAsync(rig, "cat1")).Count >= 2));
        Assert.Equal(["ab\uFFFDc", "ab\uFFFDc"], lines);
    }

    /// <summary>Waits until the named program runs as a child of the pane's process and returns the pty it has as its terminal.</summary>
    private static async Task<string> InnerTerminalAsync(OperatorRig rig, string session, string comm)
    {
        var panePid = await rig.Tmux.DisplayAsync(session, "#{pane_pid}");
        var paneTty = await rig.Tmux.DisplayAsync(session, "#{pane_tty}");
        string? inner = null;
        Assert.True(await TmuxServer.EventuallyAsync(() =>
        {
            foreach (var child in File.ReadAllText($"/proc/{panePid}/task/{panePid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                try
                {
                    if (File.ReadAllText($"/proc/{child}/comm").Trim() == comm)
                        inner = new FileInfo($"/proc/{child}/fd/0").LinkTarget;
                }
                catch (IOException) { }
            return Task.FromResult(inner is not null);
        }, TimeSpan.FromSeconds(20)), $"{comm} did not start under the pane's process");
        Assert.StartsWith("/dev/pts/", inner);
        Assert.NotEqual(paneTty, inner);
        return inner!;
    }

    private static Task<ProcessOutput> ShellAsync(OperatorRig rig, string script) =>
        ProcessRunner.RunAsync("sh", ["-c", script, FleetBinary.Dll, rig.RosterPath], TimeSpan.FromSeconds(60));

    private static async Task<List<string>> LinesAsync(OperatorRig rig, string session) =>
        (await rig.Tmux.CaptureAsync(session)).Split('\n').Where(l => l.Length > 0).ToList();
}
