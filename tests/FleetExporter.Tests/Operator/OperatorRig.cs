using System.Text.Json;
using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>A <see cref="FleetRig"/> of panes only (no units): a private tmux server, a roster naming its agents, and the real binary to run against them.</summary>
internal sealed class OperatorRig : IAsyncDisposable
{
    private readonly FleetRig _rig = new();

    public TmuxServer Tmux => _rig.Tmux;
    public TempDirectory Dir => _rig.Dir;
    public string RosterPath { get; private set; } = "";
    public string HeartbeatDir => _rig.HeartbeatDir;
    public string JournalPath => _rig.JournalPath;

    /// <summary>
    /// Writes a roster listing the given agents, runtime <c>imitation</c> unless "name:runtime". The imitation
    /// programs these tests drive (cat, a REPL, a fake TUI) are whatever runs in the pane, have no hooks and no
    /// screen patterns: their state cannot be told, so their sends pass <c>--allow-unknown</c>, as an operator would.
    /// <paramref name="runtimes"/> adds runtime entries (lines indented under <c>runtimes:</c>).
    /// </summary>
    public OperatorRig WithRoster(IEnumerable<string> agents, string runtimes = "")
    {
        var extra = runtimes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(':', 2)).Select(p => (p[0], p[1].Trim()));
        Write((Spec with { Runtimes = [Imitation, .. extra] }).WithAgents([.. agents.Select(a => a.Contains(':') ? a : a + ":imitation")]));
        return this;
    }

    /// <summary>A roster of this rig's server, heartbeat directory and send journal; the test adds runtimes and agents.</summary>
    public RosterSpec Spec => _rig.Spec with { SendJournal = JournalPath };

    /// <summary>The runtime of the imitation programs: anything in the pane is it; no hooks, no screen patterns.</summary>
    public static readonly (string, string) Imitation = ("imitation", "{ match: ['.'] }");

    /// <summary>Writes the roster and makes it the one <see cref="FleetAsync"/> runs against.</summary>
    public string Write(RosterSpec spec)
    {
        _rig.WriteRoster(spec);
        return RosterPath = _rig.RosterPath;
    }

    public Task<ProcessOutput> FleetAsync(params string[] args) => _rig.FleetAsync(args);

    /// <summary>
    /// Starts a session and waits until its pane shows the given text (the program is ready). An <c>exec PROGRAM</c>
    /// command is waited for until the pane's process is PROGRAM: until then it is the shell, and a send that looks
    /// at that moment sees a runtime that is not running (an in-process send is quick enough to).
    /// </summary>
    public async Task StartAsync(string session, string command, string? readyText = null, int width = 120, int height = 40)
    {
        await Tmux.NewSessionAsync(session, command, width, height);
        if (command.StartsWith("exec ", StringComparison.Ordinal) && command.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var program, ..])
            Assert.True(await TmuxServer.EventuallyAsync(async () => await Tmux.DisplayAsync(session, "#{pane_current_command}") == Path.GetFileName(program), TimeSpan.FromSeconds(20)),
                $"{command}: the pane never ran {program}");
        if (readyText is not null)
            Assert.True(await TmuxServer.EventuallyAsync(async () => (await Tmux.CaptureAsync(session)).Contains(readyText), TimeSpan.FromSeconds(20)),
                $"{command} did not show \"{readyText}\": {await Tmux.CaptureAsync(session)}");
    }

    public string WriteFakeTui() => Dir.Write("fake_tui.py", FakeTui.Source);

    public static JsonElement Json(ProcessOutput output)
    {
        Assert.False(string.IsNullOrWhiteSpace(output.StandardOutput), $"no JSON on stdout; stderr: {output.StandardError}");
        return JsonDocument.Parse(output.StandardOutput).RootElement.Clone();
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();
}

/// <summary>
/// A small full-screen program like an agent TUI: raw mode, asks for bracketed paste, shows its input line and
/// counts submissions. --ignore-enter leaves typed text in the input (a draft); --ignore-enters=N ignores only the
/// first N Enters (a TUI still busy starting up); --delay=S draws a submission
/// only S seconds after reading it (a slowly changing pane); --brackets draws the input as INPUT[...];
/// --burst=S takes everything that arrives within S seconds of a first byte as one read and, as agent TUIs do,
/// ignores a CR (outside a bracketed paste) that comes in the same read as other bytes; --burst-until=PATH does
/// the same with everything up to the key typed when PATH appears (an event, where a window of seconds is a guess).
/// </summary>
internal static class FakeTui
{
    /// <summary>
    /// The --burst window where send waits its default 150 ms before the Enter: far enough below that gap that
    /// a read scheduled late on a busy machine still ends before the Enter arrives.
    /// </summary>
    public const string Burst = "0.03";


    public const string Source = """
        import os, select, sys, time, tty
        args = sys.argv[1:]
        ignore_enter = '--ignore-enter' in args
        ignore_first = int(next((a.split('=', 1)[1] for a in args if a.startswith('--ignore-enters=')), '0'))
        brackets = '--brackets' in args
        delay = float(next((a.split('=', 1)[1] for a in args if a.startswith('--delay=')), '0'))
        burst = float(next((a.split('=', 1)[1] for a in args if a.startswith('--burst=')), '0'))
        burst_until = next((a.split('=', 1)[1] for a in args if a.startswith('--burst-until=')), '')
        tty.setraw(0)
        def w(s): os.write(1, s.encode())
        w('\x1b[?2004h')
        buf, history, pasting, pending = b'', [], False, b''
        def draw():
            w('\x1b[H\x1b[2J' + 'submissions: %d\r\n' % len(history))
            for h in history: w('got: ' + h.replace('\n', '\u23ce') + '\r\n')
            text = buf.decode('utf-8', 'replace').replace('\n', '\u23ce')
            w(('INPUT[%s]' % text) if brackets else ('> ' + text))
        draw()
        while True:
            chunk = os.read(0, 4096)
            if burst_until:
                while not os.path.exists(burst_until): time.sleep(0.01)
                # PATH marks the key tmux just typed; the server may write it to the terminal a moment after.
                while b'\r' not in chunk and b'\n' not in chunk: chunk += os.read(0, 4096)
            elif burst:
                time.sleep(burst)
            while (burst or burst_until) and select.select([0], [], [], 0)[0]: chunk += os.read(0, 4096)
            drop_cr = (burst or burst_until) and len(chunk) > 1
            pending += chunk
            submitted = False
            while pending:
                if pending.startswith(b'\x1b[200~'): pasting, pending = True, pending[6:]; continue
                if pending.startswith(b'\x1b[201~'): pasting, pending = False, pending[6:]; continue
                if pending.startswith(b'\x1b') and len(pending) < 6: break
                c, pending = pending[:1], pending[1:]
                if c == b'\x03': sys.exit(0)
                if c in (b'\r', b'\n'):
                    if pasting: buf += b'\n'
                    elif drop_cr: pass
                    elif ignore_first > 0 and buf: ignore_first -= 1
                    elif not ignore_enter and buf:
                        history.append(buf.decode('utf-8', 'replace')); buf = b''; submitted = True
                else:
                    buf += c
            if delay and submitted: time.sleep(delay)
            if delay and not submitted: continue
            draw()
        """;
}
