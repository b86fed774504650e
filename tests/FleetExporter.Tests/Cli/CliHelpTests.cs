using FleetExporter.Cli;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Cli;

/// <summary>The command line as a person meets it: help with exit codes, errors that point at the right help, --version, durations.</summary>
public sealed class CliHelpTests
{
    private const int Timeout = 60_000;

    [Theory(Timeout = Timeout)]
    [InlineData("ps", "6  some facts are unknown")]
    [InlineData("send", "4  the agent is not ready for a prompt")]
    [InlineData("watch", "3  the agent is not in the roster")]
    [InlineData("hook", "0  always")]
    [InlineData("hooks install", "0  done (also: already installed, nothing to remove)")]
    [InlineData("heartbeat", "1  the heartbeat file could not be written")]
    [InlineData("serve", "2  bad command line, roster or web config")]
    [InlineData("demo", "1  the demo fleet or its server could not start")]
    public async Task Every_commands_help_ends_with_its_exit_codes(string command, string line)
    {
        var r = await InProcessCli.RunOrSpawnAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, r.ExitCode);
        var section = r.StandardOutput[r.StandardOutput.IndexOf("\nExit codes:\n", StringComparison.Ordinal)..];
        Assert.Contains("\n  " + line, section);
        Assert.Equal(CommandExitCodes.For(FindCommand(command)).Count, section.Split('\n').Count(l => l.StartsWith("  ", StringComparison.Ordinal)));
    }

    [Theory(Timeout = Timeout)]
    [InlineData("send", "send")]
    [InlineData("send onlyagent", "send")]
    [InlineData("ps --bogus", "ps")]
    [InlineData("hooks install", "hooks install")]
    [InlineData("hooks install claude --agent", "hooks install")]
    [InlineData("bogus", "")]
    public async Task A_malformed_command_line_exits_2_and_points_at_that_commands_help(string args, string path)
    {
        var r = await InProcessCli.RunOrSpawnAsync(args.Split(' '));

        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal("", r.StandardOutput);
        Assert.EndsWith($"Try 'fleet-exporter {(path.Length > 0 ? path + " " : "")}--help'.\n", r.StandardError);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("--version")]
    [InlineData("ps", "--version")]
    [InlineData("send", "--version")]
    [InlineData("hooks", "install", "--version")]
    [InlineData("demo", "--version")]
    public async Task Version_answers_on_every_command(params string[] args)
    {
        var r = await InProcessCli.RunOrSpawnAsync(args);

        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal("", r.StandardError);
        Assert.Matches(@"^\d+\.\d+\.\d+\S*\n$", r.StandardOutput);
    }

    [Fact(Timeout = Timeout)]
    public async Task Demo_does_not_offer_a_roster_and_refuses_one_given_before_it()
    {
        var help = await FleetBinary.RunAsync(["demo", "--help"]);
        var before = await FleetBinary.RunAsync(["--roster", "/nonexistent/roster.yaml", "demo"]);
        var after = await FleetBinary.RunAsync(["demo", "--roster", "/nonexistent/roster.yaml"]);

        Assert.DoesNotContain("--roster", help.StandardOutput);
        Assert.Contains("--roster", (await InProcessCli.RunAsync(["ps", "--help"])).StandardOutput);
        Assert.Equal(ExitCodes.Usage, before.ExitCode);
        Assert.Contains("demo serves its own sample fleet and reads no roster", before.StandardError);
        Assert.Equal(ExitCodes.Usage, after.ExitCode);
        Assert.EndsWith("Try 'fleet-exporter demo --help'.\n", after.StandardError);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("--enter-delay", "11s")]
    [InlineData("--verify-timeout", "soon")]
    [InlineData("--enter-delay", "-5")]
    public async Task Send_timing_flags_refuse_what_is_not_a_duration_or_out_of_range(string flag, string value)
    {
        var r = await InProcessCli.RunOrSpawnAsync(["send", "a", "hi", flag, value, "--roster", "/nonexistent/roster.yaml"]);

        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains(flag, r.StandardError);
        Assert.EndsWith("Try 'fleet-exporter send --help'.\n", r.StandardError);
    }

    [Theory]
    [InlineData("150", 150)]
    [InlineData("0", 0)]
    [InlineData("150ms", 150)]
    [InlineData("5s", 5000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    public void Timing_flags_read_durations_and_bare_milliseconds(string text, int milliseconds)
    {
        Assert.True(DurationOption.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5 s")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("9999999999")]
    public void Timing_flags_refuse_anything_else(string text) => Assert.False(DurationOption.TryParse(text, out _));

    [Theory]
    [InlineData("1s", "250", 1000, 250)]
    [InlineData("0", "4000", 0, 4000)]
    [InlineData("150ms", "2m", 150, 120_000)]
    public void Send_parses_durations_on_its_command_line(string delay, string timeout, int delayMs, int timeoutMs)
    {
        var parse = FleetCli.Build().Parse(["send", "a", "hi", "--enter-delay", delay, "--verify-timeout", timeout]);
        var send = parse.CommandResult.Command;

        Assert.Empty(parse.Errors);
        Assert.Equal(TimeSpan.FromMilliseconds(delayMs), parse.GetValue<TimeSpan?>("--enter-delay"));
        Assert.Equal(TimeSpan.FromMilliseconds(timeoutMs), parse.GetValue<TimeSpan?>("--verify-timeout"));
        Assert.Equal("send", CommandExitCodes.PathOf(send));
    }

    private static System.CommandLine.Command FindCommand(string path)
    {
        System.CommandLine.Command command = FleetCli.Build();
        foreach (var name in path.Split(' '))
            command = command.Subcommands.Single(c => c.Name == name);
        return command;
    }
}
