using System.Diagnostics;
using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>How a watch ended.</summary>
public sealed record WatchResult(bool Attached, int ClientExitCode, bool Interrupted);

/// <summary>
/// A read-only view of an agent's session through a grouped viewer session of its own. The agent's windows are
/// pinned (<c>window-size manual</c>) for the viewer's lifetime, since a grouped read-only client that ignores
/// its size still resizes the windows when it is the only client (tmux 3.3). The viewer and the pin are undone
/// here on the way out, and by tmux itself (hook, delayed check) if this process dies first.
/// </summary>
public sealed class WatchSession(TmuxClient tmux, string agentSession)
{
    /// <summary>How long tmux waits for a client before it removes an unattached viewer on its own.</summary>
    public static readonly TimeSpan DefaultUnattachedGrace = TimeSpan.FromSeconds(30);

    public string Viewer { get; } = WatchScript.NewViewerName(agentSession);

    public WatchScript? Script { get; private set; }

    /// <summary>Creates the viewer and pins the agent's windows. Throws <see cref="TmuxCommandException"/> on failure (after undoing).</summary>
    public async Task<WatchScript> SetupAsync(TimeSpan unattachedGrace, CancellationToken ct)
    {
        var script = await PrepareAsync(ct);
        await ApplyAsync(script, unattachedGrace, ct);
        return script;
    }

    /// <summary>
    /// Reads what <see cref="ApplyAsync"/> needs: the session group and each window's original window-size. Each
    /// window's own options are read in one command, so its saved value and its size belong to the same moment:
    /// while a viewer pins a window, the saved value is the original; otherwise the window's own value is.
    /// </summary>
    public async Task<WatchScript> PrepareAsync(CancellationToken ct)
    {
        var group = (await tmux.MustAsync(["display-message", "-p", "-t", ExactTarget.Pane(agentSession), "#{session_group}"], ct: ct)).TrimEnd('\n');
        if (group.Length == 0) group = agentSession; // a new group takes the name of the session it is made from
        var windows = new List<PinnedWindow>();
        var listing = await tmux.MustAsync(["list-windows", "-t", ExactTarget.Session(agentSession), "-F", "#{window_id}"], ct: ct);
        foreach (var id in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!WatchScript.IsSafe(id))
                throw new TmuxCommandException($"a window of \"{agentSession}\" has an id watch cannot handle safely: \"{id}\"");
            var own = WindowOptions(await tmux.MustAsync(["show-options", "-w", "-t", id], ct: ct));
            windows.Add(new PinnedWindow(id, own.GetValueOrDefault(WatchScript.SavedOption) ?? own.GetValueOrDefault("window-size") ?? "-"));
        }
        if (!WatchScript.IsSafe(group) || windows.Any(w => !WatchScript.IsSafe(w.Original)))
            throw new TmuxCommandException($"session group \"{group}\" or a window size rule of \"{agentSession}\" has a name watch cannot handle safely");
        return new WatchScript(agentSession, Viewer, group, windows);
    }

    /// <summary>
    /// Creates the viewer and, in the same tmux command, saves (where no viewer did) and pins each window. Throws
    /// <see cref="TmuxCommandException"/> on failure (after undoing).
    /// </summary>
    public async Task ApplyAsync(WatchScript script, TimeSpan unattachedGrace, CancellationToken ct)
    {
        Script = script;
        var setup = await tmux.RunAsync(script.Setup(unattachedGrace), ct: ct);
        if (setup.ExitCode != 0)
        {
            await CleanupAsync();
            throw new TmuxCommandException($"cannot create the viewer session: {setup.FirstErrorLine}");
        }
    }

    /// <summary>
    /// Attaches the operator's terminal read-only to the viewer and returns when the client leaves, or when
    /// <paramref name="stop"/> fires (SIGTERM, SIGHUP): then the viewer's clients are detached first, which also
    /// gives the terminal back in a sane state. Always cleans up.
    /// </summary>
    public async Task<WatchResult> AttachAsync(CancellationToken stop)
    {
        Process? client = null;
        var interrupted = false;
        try
        {
            client = TerminalAttach.Start(tmux.Program,
                [.. tmux.ServerArguments, "attach-session", "-r", "-f", "read-only,ignore-size", "-t", ExactTarget.Session(Viewer)]);
            try { await client.WaitForExitAsync(stop); }
            catch (OperationCanceledException)
            {
                interrupted = true;
                await tmux.RunAsync(["detach-client", "-s", ExactTarget.Session(Viewer)], ct: CancellationToken.None);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try { await client.WaitForExitAsync(grace.Token); }
                catch (OperationCanceledException) { client.Kill(); }
            }
            return new WatchResult(true, client.HasExited ? client.ExitCode : -1, interrupted);
        }
        finally
        {
            client?.Dispose();
            await CleanupAsync();
        }
    }

    /// <summary><c>show-options -w</c> output (a window's own options, "name value" per line) by name.</summary>
    internal static Dictionary<string, string> WindowOptions(string output)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (line.Split(' ', 2) is [var name, var value])
                options[name] = value;
        return options;
    }

    /// <summary>Removes the viewer and restores the windows if no other viewer is left; harmless when the hook already did.</summary>
    public async Task CleanupAsync()
    {
        await tmux.RunAsync(["kill-session", "-t", ExactTarget.Session(Viewer)], ct: CancellationToken.None);
        if (Script is { } script)
            await tmux.RunAsync(["run-shell", "-t", ExactTarget.Pane(agentSession), "-C", WatchScript.EscapeForRunShell(script.Restore())], ct: CancellationToken.None);
    }
}
