using System.Diagnostics;
using System.Text.Json;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>
/// A send interrupted while it verifies (SIGINT, SIGTERM) stops at once and still journals what it knows: the text
/// went in, so the outcome is unknown (exit 5). Before, Ctrl-C waited out the whole --verify-timeout and left no record.
/// </summary>
public sealed class SendInterruptTests
{
    [Theory(Timeout = 120_000)]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task An_interrupted_verified_send_ends_at_once_and_journals_an_unknown_outcome(string signal)
    {
        await using var rig = new OperatorRig();
        // hooks: true, but nothing acknowledges in a cat pane: the verification would wait its full minute.
        var roster = rig.Write(rig.Spec with { Runtimes = [OperatorRig.Imitation], Agents = [new("a1", "imitation", "hooks: true")] });
        await rig.StartAsync("a1", "cat");
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--default-signal=INT,TERM", FleetBinary.DotnetHost, FleetBinary.Dll, "--roster", roster,
                     "send", "a1", "hello there", "--verify", "--verify-timeout", "60s", "--allow-unknown" })
            start.ArgumentList.Add(a);
        using var send = Process.Start(start)!;
        var stderr = send.StandardError.ReadToEndAsync();
        Assert.True(await TmuxServer.EventuallyAsync(async () => (await rig.Tmux.CaptureAsync("a1")).Contains("hello there"), TimeSpan.FromSeconds(30)),
            "the text never reached the pane");
        await Task.Delay(1000);

        var watch = Stopwatch.StartNew();
        Assert.Equal(0, (await ProcessRunner.RunAsync("kill", ["-" + signal, send.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ExitCode);
        var ended = send.WaitForExit(TimeSpan.FromSeconds(15));

        Assert.True(ended, "send still ran 15 s after the signal");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed.TotalSeconds:0.0} s to stop");
        Assert.True(send.ExitCode == 5, $"exit {send.ExitCode}: {await stderr}");
        var line = Assert.Single(File.ReadAllLines(rig.JournalPath));
        using var entry = JsonDocument.Parse(line);
        Assert.Equal("unknown", entry.RootElement.GetProperty("verdict").GetString());
        Assert.Contains("interrupted", entry.RootElement.GetProperty("evidence").GetString());
    }
}
