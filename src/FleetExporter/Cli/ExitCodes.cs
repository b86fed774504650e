namespace FleetExporter.Cli;

/// <summary>Documented exit codes, shared by every subcommand (see README "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>The command did its job (for ps: the join ran; flags are data, not errors).</summary>
    public const int Ok = 0;

    /// <summary>The command ran but failed: a verification that did not verify, a server that could not start; init: files exist with other content and no --force.</summary>
    public const int Failed = 1;

    /// <summary>Bad command line or bad roster.</summary>
    public const int Usage = 2;

    /// <summary>The agent is not in the roster, or its tmux session does not exist.</summary>
    public const int UnknownAgent = 3;

    /// <summary>send: the agent is not ready for a prompt (a dialog, a menu, copy mode, not running, still starting, or a state it cannot tell); nothing was typed.</summary>
    public const int NotReady = 4;

    /// <summary>send: the outcome is unknown (a step failed after the text was handed to tmux); do not resend blindly.</summary>
    public const int OutcomeUnknown = 5;

    /// <summary>ps: the join ran but some facts are unknown (a source failed, or an agent's runtime could not be told), so no one may read the fleet as healthy.</summary>
    public const int FactsUnknown = 6;

    /// <summary>ps --prometheus: Prometheus could not be asked (unreachable, refused the credentials, or answered with an error).</summary>
    public const int PrometheusUnavailable = 7;
}
