using System.Diagnostics;
using System.Text;
using CliWrap;

namespace FleetExporter.Subprocess;

/// <summary>What a finished subprocess left behind.</summary>
public sealed record ProcessOutput(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>The first non-blank line of stderr, for error messages that quote what the program said.</summary>
    public string FirstErrorLine =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { Length: > 0 } line
            ? line
            : "(no message)";
}

/// <summary>Raised when a subprocess cannot be started or does not finish in time.</summary>
public sealed class ProcessRunException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Every subprocess goes through here: an argument array (never a shell), a timeout on every call,
/// and the exit code left to the caller, since tmux and systemctl use non-zero codes for ordinary answers.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ProcessOutput> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = CliWrap.Cli.Wrap(program)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr));
        if (environment is not null)
            command = command.WithEnvironmentVariables(environment);
        if (standardInput is not null)
            command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));

        var watch = Stopwatch.StartNew();
        try
        {
            var result = await command.ExecuteAsync(timeoutSource.Token);
            return new ProcessOutput(result.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            // Both the per-call timeout and the caller's deadline (a scrape timeout) end here: the caller's
            // source reports the failure and the other sources keep their facts.
            throw new ProcessRunException(cancellationToken.IsCancellationRequested
                ? $"{program} was cancelled: the collection deadline passed"
                : $"{program} did not finish within {limit.TotalSeconds:0.###} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProcessRunException($"cannot run {program}: {e.Message}", e);
        }
    }
}
