using System.CommandLine;
using System.Text;
using System.Text.Json;
using FleetExporter.Agents.Hooks;
using FleetExporter.Operator;
using FleetExporter.Operator.Journal;
using FleetExporter.Sources.Journal;
using FleetExporter.Subprocess;
using FleetExporter.Text;
using FleetExporter.Tmux;

namespace FleetExporter.Cli;

/// <summary><c>fleet-exporter send AGENT MESSAGE [--verify]</c>: type a message into exactly that agent's pane and submit it.</summary>
public static class SendCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("AGENT") { Description = "Roster name of the agent to send to" };
        var message = new Argument<string>("MESSAGE") { Description = "Text to send, literally (key names, quotes, ';' and line breaks included)" };
        var verify = new Option<bool>("--verify")
        {
            Description = "Wait for proof: the agent's own hook acknowledging this message (acknowledged), else, for agents without hooks, the pane's evidence (accepted)",
        };
        var verifyTimeout = DurationOption.Create("--verify-timeout", "How long --verify waits", SendVerifier.DefaultTimeout);
        var enterDelay = DurationOption.Create("--enter-delay",
            "Gap between the text and the submitting Enter (agent TUIs drop an Enter that arrives with the text)", MessageSender.DefaultEnterDelay);
        var allowUnknown = new Option<bool>("--allow-unknown")
        {
            Description = "Send even when the agent's state cannot be told (no hooks, no screen pattern matches); never into a dialog, copy mode or a pane whose runtime is gone",
        };
        var asCommand = new Option<bool>("--as-command")
        {
            Description = "MESSAGE is meant as the runtime's own command or shell line: send it although it starts with a prefix the runtime " +
                          "treats specially (claude: ! / # &; codex, gemini, pi: ! /), which is otherwise refused (exit 2)",
        };
        var lockTimeout = DurationOption.Create("--lock-timeout",
            "How long to wait while another send to the same agent runs (one send at a time per agent), before giving up with not_ready", SendLock.DefaultPatience);
        var journalMessage = new Option<bool>("--journal-message") { Description = "Also keep the message text in the send journal (by default only its SHA-256 and length)" };
        var json = new Option<bool>("--json") { Description = "Print the verdict and its evidence as JSON" };
        var command = new Command("send",
            "Send MESSAGE to AGENT's tmux pane and submit it, only when the agent is ready for a prompt; with --verify, prove it arrived")
        {
            agent, message, verify, verifyTimeout, enterDelay, allowUnknown, asCommand, lockTimeout, journalMessage, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(agent)!;
            var text = parse.GetValue(message)!;
            var timeout = parse.GetValue(verifyTimeout) ?? SendVerifier.DefaultTimeout;
            var delay = parse.GetValue(enterDelay) ?? MessageSender.DefaultEnterDelay;
            if (timeout < TimeSpan.FromMilliseconds(1) || timeout > TimeSpan.FromMinutes(10))
                return Usage("--verify-timeout must be between 1ms and 10m");
            if (delay > TimeSpan.FromSeconds(10))
                return Usage("--enter-delay must be between 0 and 10s");
            var timeoutMs = (int)timeout.TotalMilliseconds;
            var delayMs = (int)delay.TotalMilliseconds;
            var patience = parse.GetValue(lockTimeout) ?? SendLock.DefaultPatience;
            if (patience > TimeSpan.FromMinutes(10))
                return Usage("--lock-timeout must be between 0 and 10m");
            if (MessageSender.Problem(text) is { } problem)
                return Usage($"not sent to {Printable.Quote(name)}: {problem}");
            if (ArgumentBytes.Utf8Problem(text) is { } notUtf8)
                return Usage($"not sent to {Printable.Quote(name)}: {notUtf8}");
            if (!CommonOptions.TryResolveAgent(parse, name, Console.Error, out var roster, out var spec, out var exitCode, "nothing sent"))
                return exitCode;
            if (!parse.GetValue(asCommand) && roster.Runtimes[spec.Runtime].CommandPrefixOf(text) is { } prefix)
                return Usage($"not sent to {Printable.Quote(name)}: the message starts with \"{prefix}\", which {spec.Runtime} reads as a command " +
                             "or a shell line, not as a message; pass --as-command if that is meant");

            // One send at a time per agent, from the first look at its pane to the journaled verdict.
            IDisposable? held;
            try { held = await SendLock.TakeAsync(SendLock.PathFor(roster.Heartbeat.Directory, name), patience, ct); }
            catch (IOException e)
            {
                Console.Error.WriteLine($"fleet-exporter: send to {name} failed, nothing sent: {e.Message}");
                return ExitCodes.Failed;
            }
            if (held is null)
            {
                var busy = new SendReport(SendOutcome.NotReady, $"another send to this agent was still running after {patience.TotalSeconds:0.###} s (--lock-timeout)", false, null, null);
                Journal(roster, name, text, busy, ExitCodes.NotReady, parse.GetValue(journalMessage));
                if (parse.GetValue(json)) Print(SendJson.From(name, spec.Session, "", busy, parse.GetValue(verify), ExitCodes.NotReady, delayMs, null));
                Tell(name, busy, timeoutMs, parse.GetValue(json));
                return ExitCodes.NotReady;
            }
            using var _ = held;

            var tmux = new TmuxClient(roster.Tmux);
            string pane;
            try
            {
                if (!await tmux.HasSessionAsync(spec.Session, ct))
                {
                    Console.Error.WriteLine($"fleet-exporter: agent \"{name}\" has no tmux session \"{spec.Session}\"; nothing sent");
                    return ExitCodes.UnknownAgent;
                }
                // Resolved once: the session's current window may change while this runs, the pane id does not.
                pane = await tmux.AgentPaneAsync(spec.Session, ct);
                if (await CanonicalLine.ProblemAsync(tmux, pane, text, ct) is { } tooLong)
                    return Usage($"not sent to {Printable.Quote(name)}: {tooLong}; nothing was typed");
            }
            catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
            {
                Console.Error.WriteLine($"fleet-exporter: send to {name} failed, nothing sent: {e.Message}");
                return ExitCodes.Failed;
            }

            var verified = parse.GetValue(verify);
            var plan = new SendPlan(text, verified, timeout, delay, parse.GetValue(allowUnknown));
            var operation = new SendOperation(roster, spec, tmux, pane);
            SendReport report;
            try { report = await operation.RunAsync(plan, ct); }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or ProcessRunException or TmuxCommandException)
            {
                // SIGINT or SIGTERM: stop at once, and still journal what is known. Once the text went to tmux it may
                // have arrived, so the outcome is unknown, never "failed".
                report = operation.TextHandedToTmux
                    ? new SendReport(SendOutcome.Unknown, "interrupted (SIGINT or SIGTERM) after the text was handed to tmux; it may have arrived", true, null, null)
                    : new SendReport(SendOutcome.Failed, "interrupted (SIGINT or SIGTERM) before anything was typed", false, null, null);
            }
            var code = ExitCode(report.Verdict);
            Journal(roster, name, text, report, code, parse.GetValue(journalMessage));

            if (parse.GetValue(json))
                Print(SendJson.From(name, spec.Session, pane, report, verified, code, delayMs, verified ? timeoutMs : null));
            Tell(name, report, timeoutMs, parse.GetValue(json));
            return code;
        });
        return command;
    }

    public static int ExitCode(SendOutcome verdict) => verdict switch
    {
        SendOutcome.Sent or SendOutcome.Acknowledged or SendOutcome.Accepted => ExitCodes.Ok,
        SendOutcome.NotReady => ExitCodes.NotReady,
        SendOutcome.Unknown => ExitCodes.OutcomeUnknown,
        SendOutcome.Draft or SendOutcome.Unverifiable or SendOutcome.Failed => ExitCodes.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };

    /// <summary>The verdict for a terminal; its reason may quote the pane or the roster's patterns, so it is escaped.</summary>
    private static void Tell(string name, SendReport report, int timeoutMs, bool json)
    {
        report = report with { Reason = Printable.Escape(report.Reason) };
        switch (report.Verdict)
        {
            case SendOutcome.Sent or SendOutcome.Acknowledged or SendOutcome.Accepted when !json:
                Console.Out.WriteLine(report.Verdict == SendOutcome.Sent ? $"sent to {name}" : $"{report.Verdict.Label()} by {name}: {report.Reason}");
                break;
            case SendOutcome.NotReady:
                Console.Error.WriteLine($"fleet-exporter: {name}: NOT SENT: {report.Reason}; nothing was typed.");
                break;
            case SendOutcome.Failed:
                Console.Error.WriteLine($"fleet-exporter: send to {name} failed: {report.Reason}");
                break;
            case SendOutcome.Draft:
                Console.Error.WriteLine($"fleet-exporter: {name}: NOT SUBMITTED (draft): {report.Reason}. The Enter was not taken; the text is still in the input.");
                break;
            case SendOutcome.Unknown:
                Console.Error.WriteLine($"fleet-exporter: {name}: OUTCOME UNKNOWN: {report.Reason}. The message may or may not have arrived: " +
                                        $"do not resend blindly; look first (fleet-exporter watch {name}).");
                break;
            case SendOutcome.Unverifiable:
                Console.Error.WriteLine($"fleet-exporter: {name}: UNVERIFIABLE after {timeoutMs} ms: {report.Reason}. Delivery is not proven.");
                break;
        }
    }

    /// <summary>The journal is a record, not a step: a send that cannot be journalled still reports its verdict.</summary>
    private static void Journal(Roster.FleetRoster roster, string agent, string text, SendReport report, int code, bool withMessage)
    {
        var path = roster.SendJournal;
        var typed = MessageSender.Prepare(text);
        try
        {
            SendJournal.Append(path, new SendJournalEntry(DateTimeOffset.UtcNow, Environment.UserName, agent, HookEvent.Sha256Hex(typed),
                Encoding.UTF8.GetByteCount(typed), report.Verdict.Label(), code, report.Reason, report.Verified?.Acknowledged?.Id,
                report.Readiness?.State.NameLabel, withMessage ? typed : null),
                rosterAgents: roster.Agents.Select(a => a.Name).ToHashSet(StringComparer.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fleet-exporter: cannot append to the send journal {path}: {e.Message}");
        }
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"fleet-exporter: {problem}");
        Console.Error.WriteLine("Try 'fleet-exporter send --help'.");
        return ExitCodes.Usage;
    }

    private static void Print(SendJson value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, SendJsonContext.Default.SendJson));
}
