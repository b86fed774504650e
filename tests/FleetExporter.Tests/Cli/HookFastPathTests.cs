using System.CommandLine;
using FleetExporter.Cli;

namespace FleetExporter.Tests.Cli;

/// <summary><c>hook</c> parses with only its own command built; it must read every command line as the whole tree does.</summary>
public sealed class HookFastPathTests
{
    [Theory]
    [InlineData(true, "hook")]
    [InlineData(true, "hook", "b1", "--runtime", "claude", "--roster", "/r.yaml")]
    [InlineData(true, "--roster", "/r.yaml", "hook", "b1")]
    [InlineData(true, "--roster=/r.yaml", "hook")]
    [InlineData(true, "--roster:/r.yaml", "hook")]
    [InlineData(false, "hooks", "install")]
    [InlineData(false, "ps", "hook")]
    [InlineData(false, "--roster", "hook", "ps")]
    [InlineData(false, "--version")]
    [InlineData(false)]
    public void Only_a_command_line_whose_command_is_hook_takes_the_short_path(bool expected, params string[] args) =>
        Assert.Equal(expected, FleetCli.IsHook(args));

    [Theory]
    [InlineData("hook", "--help")]
    [InlineData("hook", "b1", "--runtime", "claude", "--roster", "/r.yaml")]
    [InlineData("--roster", "/r.yaml", "hook", "b1", "--runtime")]
    [InlineData("hook", "b1", "extra", "--bogus")]
    [InlineData("hook", "--version")]
    public Task The_short_tree_parses_and_helps_as_the_whole_tree_does(params string[] args) => AssertAsWholeTreeAsync(FleetCli.BuildForHook(), args);

    /// <summary>fleet-exporter-hook's tree parses what the hooks and the agent unit pass it as the whole tree does.</summary>
    [Theory]
    [InlineData("hook", "b1", "--runtime", "claude", "--roster", "/r.yaml")]
    [InlineData("--roster", "/r.yaml", "hook", "--runtime", "codex")]
    [InlineData("hook", "b1", "extra", "--bogus")]
    [InlineData("heartbeat", "b1", "--started", "--pid", "42")]
    [InlineData("heartbeat", "b1", "--status", "working", "--roster", "/r.yaml")]
    [InlineData("heartbeat", "b1", "--started")]
    [InlineData("heartbeat")]
    [InlineData("heartbeat", "--help")]
    [InlineData("hook", "--help")]
    public Task The_hook_binarys_tree_parses_and_helps_as_the_whole_tree_does(params string[] args) => AssertAsWholeTreeAsync(FleetCli.BuildForHookBinary(), args);

    [Theory]
    [InlineData("serve")]
    [InlineData("ps")]
    [InlineData("send", "b1", "hi")]
    [InlineData("hooks", "install", "claude")]
    public void The_hook_binary_knows_no_other_command(params string[] args) =>
        Assert.NotEmpty(FleetCli.BuildForHookBinary().Parse(args).Errors);

    private static async Task AssertAsWholeTreeAsync(RootCommand tree, string[] args)
    {
        var whole = FleetCli.Build().Parse(args);
        var part = tree.Parse(args);

        Assert.Equal(whole.Errors.Select(e => e.Message), part.Errors.Select(e => e.Message));
        Assert.Equal(whole.CommandResult.Command.Name, part.CommandResult.Command.Name);
        Assert.Equal(whole.GetValue(CommonOptions.Roster), part.GetValue(CommonOptions.Roster));
        if (args.Contains("--help"))
            Assert.Equal(await HelpAsync(whole), await HelpAsync(part));
    }

    private static async Task<string> HelpAsync(ParseResult parse)
    {
        var output = new StringWriter();
        await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return output.ToString();
    }
}
