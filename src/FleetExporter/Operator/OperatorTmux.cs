using FleetExporter.Roster;
using FleetExporter.Sources.Tmux;
using FleetExporter.Subprocess;

namespace FleetExporter.Operator;

/// <summary>tmux on the roster's server (<c>-L</c>/<c>-S</c>), through <see cref="ProcessRunner"/>.</summary>
public sealed class OperatorTmux(TmuxSettings settings, string program = "tmux")
{
    public string Program => program;

    public IReadOnlyList<string> ServerArguments => settings.ServerArguments();

    public Task<ProcessOutput> RunAsync(IReadOnlyList<string> args, string? standardInput = null, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(program, [.. settings.ServerArguments(), .. args], ProcessRunner.DefaultTimeout, standardInput: standardInput, cancellationToken: ct);

    /// <summary>Runs and returns stdout, or throws with tmux's own message.</summary>
    public async Task<string> MustAsync(IReadOnlyList<string> args, string? standardInput = null, CancellationToken ct = default)
    {
        var r = await RunAsync(args, standardInput, ct);
        if (r.ExitCode != 0)
            throw new TmuxCommandException($"tmux {args[0]} failed: {FirstLine(r.StandardError)}");
        return r.StandardOutput;
    }

    /// <summary>Whether the exact session exists; false also when no server runs.</summary>
    public async Task<bool> HasSessionAsync(string session, CancellationToken ct = default)
    {
        var r = await RunAsync(["has-session", "-t", ExactTarget.Session(session)], ct: ct);
        if (r.ExitCode == 0) return true;
        if (r.StandardError.Contains("can't find session", StringComparison.Ordinal) || TmuxListParser.MeansNoServer(r.StandardError))
            return false;
        throw new TmuxCommandException($"tmux has-session failed: {FirstLine(r.StandardError)}");
    }

    public static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no message)";
}

/// <summary>A tmux command that exited non-zero where success was needed.</summary>
public sealed class TmuxCommandException(string message) : Exception(message);
