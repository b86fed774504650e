using System.CommandLine;
using System.Text.Json;
using FleetExporter.Operator;
using FleetExporter.Subprocess;

namespace FleetExporter.Cli;

/// <summary><c>fleet-exporter send AGENT MESSAGE [--verify]</c>: type a message into exactly that agent's pane and submit it.</summary>
public static class SendCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("AGENT") { Description = "Roster name of the agent to send to" };
        var message = new Argument<string>("MESSAGE") { Description = "Text to send, literally (key names, quotes, ';' and line breaks included)" };
        var verify = new Option<bool>("--verify") { Description = "Watch the pane afterwards and exit 1 unless the message was accepted" };
        var verifyTimeout = new Option<int>("--verify-timeout")
        {
            Description = "How long --verify polls the pane, in milliseconds",
            HelpName = "MS",
            DefaultValueFactory = _ => (int)SendVerifier.DefaultTimeout.TotalMilliseconds,
        };
        var enterDelay = new Option<int>("--enter-delay")
        {
            Description = "Gap between the text and the submitting Enter, in milliseconds (agent TUIs drop an Enter that arrives with the text)",
            HelpName = "MS",
            DefaultValueFactory = _ => (int)MessageSender.DefaultEnterDelay.TotalMilliseconds,
        };
        var json = new Option<bool>("--json") { Description = "Print the verdict and the before/after pane evidence as JSON" };
        var command = new Command("send", "Send MESSAGE to AGENT's tmux pane and submit it; with --verify, prove it was accepted")
        {
            agent, message, verify, verifyTimeout, enterDelay, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(agent)!;
            var text = parse.GetValue(message)!;
            var timeoutMs = parse.GetValue(verifyTimeout);
            var delayMs = parse.GetValue(enterDelay);
            if (timeoutMs is < 1 or > 600_000)
                return Usage("--verify-timeout must be between 1 and 600000 ms");
            if (delayMs is < 0 or > 10_000)
                return Usage("--enter-delay must be between 0 and 10000 ms");
            if (MessageSender.Problem(text) is { } problem)
                return Usage($"not sent to \"{name}\": {problem}");
            if (ArgumentBytes.Utf8Problem(text) is { } notUtf8)
                return Usage($"not sent to \"{name}\": {notUtf8}");
            if (!CommonOptions.TryResolveAgent(parse, name, Console.Error, out var roster, out var spec, out var exitCode, "nothing sent"))
                return exitCode;

            var tmux = new OperatorTmux(roster.Tmux);
            var delay = TimeSpan.FromMilliseconds(delayMs);
            var timeout = TimeSpan.FromMilliseconds(timeoutMs);
            try
            {
                if (!await tmux.HasSessionAsync(spec.Session, ct))
                {
                    Console.Error.WriteLine($"fleet-exporter: agent \"{name}\" has no tmux session \"{spec.Session}\"; nothing sent");
                    return ExitCodes.UnknownAgent;
                }
                // Resolved once: the session's current window may change while this runs, the pane id does not.
                var pane = await tmux.AgentPaneAsync(spec.Session, ct);
                if (await CanonicalLine.ProblemAsync(tmux, pane, text, ct) is { } tooLong)
                    return Usage($"not sent to \"{name}\": {tooLong}; nothing was typed");
                var before = parse.GetValue(verify) ? await PaneSnapshot.CaptureAsync(tmux, pane, ct) : null;
                await MessageSender.SendAsync(tmux, pane, text, delay, ct);
                if (before is null)
                {
                    if (parse.GetValue(json))
                        Print(new SendJson(name, spec.Session, pane, "sent", "typed and submitted; not verified", false, ExitCodes.Ok,
                            delayMs, null, 0, null, null, null));
                    else
                        Console.Out.WriteLine($"sent to {name}");
                    return ExitCodes.Ok;
                }

                var prompts = roster.Runtimes[spec.Runtime].Prompts;
                var result = await SendVerifier.PollAsync(tmux, pane, text, prompts, before, timeout, ct);
                var code = result.Verdict.Outcome == SendOutcome.Accepted ? ExitCodes.Ok : ExitCodes.Failed;
                if (parse.GetValue(json))
                    Print(new SendJson(name, spec.Session, pane, result.Verdict.Name, result.Verdict.Reason, true, code,
                        delayMs, timeoutMs, result.Polls, Math.Round(result.Elapsed.TotalMilliseconds),
                        PaneJson.From(result.Before), PaneJson.From(result.After)));
                switch (result.Verdict.Outcome)
                {
                    case SendOutcome.Accepted:
                        if (!parse.GetValue(json)) Console.Out.WriteLine($"accepted by {name}: {result.Verdict.Reason}");
                        break;
                    case SendOutcome.Draft:
                        Console.Error.WriteLine($"fleet-exporter: {name}: NOT SUBMITTED (draft): {result.Verdict.Reason}. The Enter was not taken; the text is still in the input.");
                        break;
                    default:
                        Console.Error.WriteLine($"fleet-exporter: {name}: UNVERIFIABLE after {timeoutMs} ms: {result.Verdict.Reason}. Delivery is not proven.");
                        break;
                }
                return code;
            }
            catch (PaneInModeException e) when (!e.TextTyped)
            {
                Console.Error.WriteLine($"fleet-exporter: {name}: NOT SENT: {e.Message}; nothing was typed and the pane was left as it is. Leave the mode (q in copy mode) and send again.");
                return ExitCodes.Failed;
            }
            catch (PaneInModeException e)
            {
                Console.Error.WriteLine($"fleet-exporter: {name}: NOT SUBMITTED: the text was typed, then {e.Message}, so the Enter was not sent; the text sits unsubmitted in the input.");
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is TmuxCommandException or ProcessRunException)
            {
                Console.Error.WriteLine($"fleet-exporter: send to {name} failed: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"fleet-exporter: {problem}");
        return ExitCodes.Usage;
    }

    private static void Print(SendJson value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, SendJsonContext.Default.SendJson));
}
