using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.RealAgents;

/// <summary>What a person does over a session: answer a permission prompt, wait for the prompt again, restart the agent.</summary>
public sealed partial class RealAgent
{
    private static readonly Regex WorkingMarker = new("esc to (interrupt|cancel)");

    private static readonly Regex GeminiInputBox = new("Type your message or @path/to/file");

    /// <summary>Answers the permission prompt that shows <paramref name="dialog"/> with <paramref name="key"/> (Enter approves, Escape denies), again while it stays up.</summary>
    public async Task AnswerAsync(string dialog, string key)
    {
        await WaitForTextAsync(dialog, TimeSpan.FromSeconds(30));
        for (var attempt = 0; attempt < 4 && (await CaptureAsync()).Contains(dialog, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(1000);   // a dialog ignores keys for a moment after it is drawn
            await PressAsync(key);
            await TmuxServer.EventuallyAsync(async () => !(await CaptureAsync()).Contains(dialog, StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        }
    }

    /// <summary>Waits until the agent shows its prompt again and nothing works (pi, which shows no marker for it: a pause).</summary>
    public async Task WaitForReadyAgainAsync(TimeSpan? within = null)
    {
        await Task.Delay(1500);
        if (Runtime == AgentRuntime.Pi) return;
        var screen = "";
        // Gemini CLI's start pattern needs its header, which a session scrolls away: its input box is enough here.
        var prompt = Runtime == AgentRuntime.Gemini ? GeminiInputBox : Runtime.Ready;
        var ready = await TmuxServer.EventuallyAsync(async () => !WorkingMarker.IsMatch(screen = await CaptureAsync()) && prompt.IsMatch(screen),
            within ?? TimeSpan.FromSeconds(30));
        if (!ready) throw new TimeoutException($"{Runtime}: not ready again; the pane shows:\n{screen}");
    }

    /// <summary>
    /// Starts the agent again in its pane after <see cref="ExitAsync"/>: the pane's shell runs the launch script again
    /// (same configuration, files and stub log), and the agent starts a session of its own, as after a restart.
    /// </summary>
    public async Task RestartAsync()
    {
        if (IsRunning) throw new InvalidOperationException($"{Runtime} still runs: exit it first");
        File.Delete(Paths.AgentPidFile);
        AgentPid = 0;
        // A clean screen first: the exited agent's last screen could still look like its prompt.
        await _tmux.RunAsync("send-keys", "-t", Target, "-l", "clear");
        await PressAsync("Enter");
        await Task.Delay(300);
        await _tmux.RunAsync("clear-history", "-t", Target);
        await _tmux.RunAsync("send-keys", "-t", Target, "-l", Quote(Paths.LaunchScript));
        await PressAsync("Enter");
        await WaitForPromptAsync(TimeSpan.FromSeconds(90));
    }

}
