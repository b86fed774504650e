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

        var r = await rig.FleetAsync("send", "--allow-unknown", "deaf", "anyone home", "--verify", "--verify-timeout", "2000", "--json");

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

        var r = await rig.FleetAsync("send", "--allow-unknown", "wrapped", "read me", "--verify", "--json");

        Assert.True(r.ExitCode == 0, r.StandardError);
        var after = OperatorRig.Json(r).GetProperty("after");
        Assert.Equal(0, after.GetProperty("tty_queued_bytes").GetInt32());
        Assert.Equal(inner, after.GetProperty("tty").GetString());
    }

    [Theory(Timeout = Timeout)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_over_4095_bytes_for_a_line_reading_program_is_refused_and_nothing_is_typed(bool behindScript)
    {
        await using var rig = new OperatorRig().WithRoster(["liner"]);
        var got = rig.Dir.File("got");
        var reader = $"python3 {rig.Dir.Write("line_reader.py", LineReader)} {got}";
        // Behind script the pane's terminal is raw and the reader's own pty is the canonical one.
        await rig.StartAsync("liner", behindScript ? $"exec script -qfc '{reader}' /dev/null" : $"exec {reader}");
        if (behindScript) await InnerTerminalAsync(rig, "liner", "python3");

        var r = await rig.FleetAsync("send", "--allow-unknown", "liner", new string('x', 5000));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("5000 bytes", r.StandardError);
        Assert.Contains("canonical", r.StandardError);
        Assert.Contains("at most 4095 bytes per line", r.StandardError);
        await rig.Tmux.RunAsync("send-keys", "-t", "=liner:", "Enter");
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(got))), "the reader did not read the line end");
        Assert.Equal("0", File.ReadAllText(got)); // nothing was typed before the line end sent here
    }

    [Fact(Timeout = Timeout)]
    public async Task A_line_of_exactly_4095_bytes_reaches_a_line_reading_program_whole()
    {
        await using var rig = new OperatorRig().WithRoster(["liner"]);
        var got = rig.Dir.File("got");
        await rig.StartAsync("liner", $"exec python3 {rig.Dir.Write("line_reader.py", LineReader)} {got}");

        var r = await rig.FleetAsync("send", "--allow-unknown", "liner", new string('é', 2047) + "x"); // 4095 bytes of UTF-8

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(got))), "the reader got no line");
        Assert.Equal("4095", File.ReadAllText(got));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_5000_byte_line_reaches_a_raw_mode_reader_whole()
    {
        await using var rig = new OperatorRig().WithRoster(["raw"]);
        var got = rig.Dir.File("got");
        await rig.StartAsync("raw", $"exec python3 {rig.Dir.Write("raw_reader.py", RawReader)} {got}");
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(got + ".ready")), TimeSpan.FromSeconds(20)),
            "the reader never set its terminal raw");

        var r = await rig.FleetAsync("send", "--allow-unknown", "raw", new string('y', 5000));

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.True(await TmuxServer.EventuallyAsync(() => Task.FromResult(File.Exists(got))), "the reader got no Enter");
        Assert.Equal("5000", File.ReadAllText(got));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_message_that_is_not_valid_UTF_8_is_refused_with_exit_2_and_nothing_typed()
    {
        await using var rig = new OperatorRig().WithRoster(["cat1"]);
        await rig.StartAsync("cat1", "exec cat");

        // A process started from .NET cannot pass raw bytes; the shell's printf puts 0xFF into argv.
        var invalid = await ShellAsync(rig, "exec dotnet \"$0\" --roster \"$1\" send --allow-unknown cat1 \"$(printf 'ab\\377c')\"");
        var replacement = await ShellAsync(rig, "exec dotnet \"$0\" --roster \"$1\" send --allow-unknown cat1 \"$(printf 'ab\\357\\277\\275c')\"");

        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("not valid UTF-8", invalid.StandardError);
        Assert.Contains("0xFF at byte 2", invalid.StandardError);
        Assert.True(replacement.ExitCode == 0, replacement.StandardError); // U+FFFD typed as valid UTF-8 is text like any other
        var lines = new List<string>();
        Assert.True(await TmuxServer.EventuallyAsync(async () => (lines = await LinesAsync(rig, "cat1")).Count >= 2));
        Assert.Equal(["ab\uFFFDc", "ab\uFFFDc"], lines);
    }

    /// <summary>Reads one line in the terminal's canonical mode and writes its length in bytes to the file argv[1].</summary>
    private const string LineReader = """
        import os, sys, time
        line = sys.stdin.buffer.readline()
        # Written whole, then renamed: the test may look the moment the name appears.
        open(sys.argv[1] + '.tmp', 'w').write(str(len(line.rstrip(b'\n'))))
        os.rename(sys.argv[1] + '.tmp', sys.argv[1])
        time.sleep(600)
        """;

    /// <summary>Sets its terminal raw (then says so), reads up to a CR and writes the byte count before it to the file argv[1] (whole, by a rename).</summary>
    private const string RawReader = """
        import os, sys, time, tty
        tty.setraw(0)
        open(sys.argv[1] + '.ready', 'w').close()
        data = b''
        while b'\r' not in data:
            data += os.read(0, 65536)
        open(sys.argv[1] + '.tmp', 'w').write(str(data.index(b'\r')))
        os.rename(sys.argv[1] + '.tmp', sys.argv[1])
        time.sleep(600)
        """;

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
