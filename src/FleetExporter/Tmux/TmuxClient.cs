using FleetExporter.Roster;
using FleetExporter.Subprocess;

namespace FleetExporter.Tmux;

/// <summary>
/// Every tmux command line the product runs: on the roster's server (<c>-L</c>/<c>-S</c>, never the one in
/// <c>$TMUX</c>), with tmux's client environment, bounded by <paramref name="timeout"/> (default
/// <see cref="ProcessRunner.DefaultTimeout"/>), through <see cref="ProcessRunner"/>. The sources, the operator
/// commands and the demo all speak tmux through it.
/// </summary>
public sealed class TmuxClient(TmuxSettings settings, string program = "tmux", TimeSpan? timeout = null)
{
    public string Program => program;

    /// <summary>A config file for a server this client starts (<c>-f</c>; the demo's <c>/dev/null</c>), else tmux's own.</summary>
    public string? ConfigFile { get; init; }

    public IReadOnlyList<string> ServerArguments => settings.ServerArguments();

    public Task<ProcessOutput> RunAsync(IReadOnlyList<string> args, string? standardInput = null, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(program, [.. ConfigFile is null ? [] : new[] { "-f", ConfigFile }, .. settings.ServerArguments(), .. args],
            timeout ?? ProcessRunner.DefaultTimeout, TmuxSettings.ClientEnvironment, standardInput, ct);

    /// <summary>Every pane of the server, one line each in <see cref="TmuxListParser.Format"/>.</summary>
    public Task<ProcessOutput> ListPanesAsync(CancellationToken ct) => RunAsync(["list-panes", "-a", "-F", TmuxListParser.Format], ct: ct);

    /// <summary>Runs and returns stdout, or throws with tmux's own message.</summary>
    public async Task<string> MustAsync(IReadOnlyList<string> args, string? standardInput = null, CancellationToken ct = default)
    {
        var r = await RunAsync(args, standardInput, ct);
        if (r.ExitCode != 0)
            throw new TmuxCommandException($"tmux {args[0]} failed: {r.FirstErrorLine}");
        return r.StandardOutput;
    }

    /// <summary>Whether the exact session exists; false also when no server runs.</summary>
    public async Task<bool> HasSessionAsync(string session, CancellationToken ct = default)
    {
        var r = await RunAsync(["has-session", "-t", ExactTarget.Session(session)], ct: ct);
        if (r.ExitCode == 0) return true;
        if (r.StandardError.Contains("can't find session", StringComparison.Ordinal) || TmuxListParser.MeansNoServer(r.StandardError))
            return false;
        throw new TmuxCommandException($"tmux has-session failed: {r.FirstErrorLine}");
    }

    /// <summary>
    /// The agent's pane: the session's first pane (lowest window index, then lowest pane index), which is the pane
    /// the fleet join judges (<see cref="TmuxListParser"/> keeps the first pane <c>list-panes -a</c> lists; <c>-s</c>
    /// lists a session's panes in the same order). Its id then names that pane for good, whatever window is current.
    /// </summary>
    public async Task<string> AgentPaneAsync(string session, CancellationToken ct = default)
    {
        var listing = await MustAsync(["list-panes", "-s", "-t", ExactTarget.Session(session), "-F", "#{pane_id}"], ct: ct);
        var first = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return ExactTarget.IsPaneId(first)
            ? first
            : throw new TmuxCommandException($"tmux list-panes named no pane of session \"{session}\" (got \"{first}\")");
    }
}

/// <summary>A tmux command that exited non-zero where success was needed.</summary>
public sealed class TmuxCommandException(string message) : Exception(message);
