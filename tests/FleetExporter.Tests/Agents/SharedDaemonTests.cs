using System.Text;
using FleetExporter.Agents.Hooks;

namespace FleetExporter.Tests.Agents;

/// <summary>
/// Codex 0.169 runs hooks in `codex app-server` (one daemon per CODEX_HOME, shared by every Codex TUI), with the
/// environment of the agent that started it: the hook must know it was run there.
/// </summary>
public sealed class SharedDaemonTests
{
    private static byte[] Cmdline(params string[] args) => Encoding.UTF8.GetBytes(string.Join('\0', args) + "\0");

    [Theory]
    [InlineData(true, "/home/u/.codex/packages/app-server-daemon/releases/0.169.0/codex", "app-server", "--listen", "unix://", "--managed-daemon")]
    [InlineData(false, "/usr/bin/codex", "--no-daemon")]
    [InlineData(false, "/usr/bin/node", "/usr/lib/node_modules/@openai/codex/bin/codex.js")]
    [InlineData(false, "/bin/sh", "-c", "fleet-exporter hook --runtime codex app-server")]
    [InlineData(false, "app-server")]
    public void Only_a_command_line_whose_first_argument_is_app_server_is_the_daemon(bool daemon, params string[] args)
    {
        Assert.Equal(daemon, SharedDaemon.IsDaemon(Cmdline(args)));
    }

    [Fact]
    public void This_test_process_was_not_started_by_a_daemon()
    {
        Assert.False(SharedDaemon.RanThisHook());
    }
}
