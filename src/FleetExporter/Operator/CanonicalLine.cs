using System.Runtime.InteropServices;
using System.Text;
using FleetExporter.Tmux;

namespace FleetExporter.Operator;

/// <summary>
/// A terminal in canonical mode (ICANON: the kernel collects a line and hands it over at its end, as to <c>cat</c>,
/// <c>read</c> or Python's <c>input()</c>) keeps at most 4095 bytes of a line and silently drops the rest, so a
/// longer line would arrive cut. Agent TUIs read in raw mode, where no such limit applies. Decided at send time,
/// from the terminals the pane's reader reads through (<see cref="PaneReader"/>): any of them in canonical mode
/// would cut the line.
/// </summary>
public static partial class CanonicalLine
{
    /// <summary>N_TTY_BUF_SIZE (4096) less the room the kernel keeps for the line end.</summary>
    public const int MaxBytes = 4095;

    private const uint ICanon = 0x2;

    /// <summary>The UTF-8 length of the message's longest line, as it will be typed.</summary>
    public static int LongestLineBytes(string message) =>
        MessageSender.Prepare(message).Split('\n').Max(Encoding.UTF8.GetByteCount);

    /// <summary>Pure: why the message cannot go to a reader of <paramref name="terminal"/> in canonical mode, or null.</summary>
    public static string? Problem(string message, string terminal)
    {
        var lines = MessageSender.Prepare(message).Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (Encoding.UTF8.GetByteCount(lines[i]) is var bytes and > MaxBytes)
                return $"{(lines.Length == 1 ? "the message" : $"line {i + 1} of the message")} is {bytes} bytes long (UTF-8), and the pane's reader "
                    + $"reads {terminal} in canonical (line) mode, which keeps at most {MaxBytes} bytes per line and drops the rest; "
                    + "split it into shorter lines";
        return null;
    }

    /// <summary>
    /// Why the message cannot be typed into the pane whole, or null. Asks the terminals only when a line is over the
    /// limit; a terminal whose mode cannot be read then refuses too (its line could be cut).
    /// </summary>
    public static async Task<string?> ProblemAsync(TmuxClient tmux, string pane, string message, CancellationToken ct)
    {
        if (LongestLineBytes(message) <= MaxBytes) return null;
        var ids = (await tmux.MustAsync(["display-message", "-p", "-t", pane, "#{pane_pid} #{pane_tty}"], ct: ct)).TrimEnd('\n').Split(' ', 2);
        var (paths, unnamed) = PaneReader.TerminalPaths(int.TryParse(ids[0], out var pid) ? pid : null, ids[^1]);
        if (unnamed is not null) return $"a line of the message is over {MaxBytes} bytes and {unnamed}, so whether it would be cut cannot be told";
        foreach (var path in paths)
        {
            var (canonical, problem) = IsCanonical(path);
            if (canonical is null)
                return $"a line of the message is over {MaxBytes} bytes and whether {path} is in canonical (line) mode cannot be told ({problem})";
            if (canonical.Value) return Problem(message, path);
        }
        return null;
    }

    /// <summary>Whether the terminal is in canonical mode (tcgetattr, ICANON in c_lflag), or null with the reason.</summary>
    public static (bool? Canonical, string? Problem) IsCanonical(string ttyPath)
    {
        if (!ttyPath.StartsWith("/dev/", StringComparison.Ordinal))
            return (null, $"\"{ttyPath}\" is not a terminal device");
        var fd = TtyInputQueue.Open(ttyPath, TtyInputQueue.OpenToAsk);
        if (fd < 0) return (null, $"cannot open {ttyPath}: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            // struct termios: c_iflag, c_oflag, c_cflag, c_lflag (offset 12), then c_line and c_cc; 60 bytes in glibc.
            var termios = new byte[64];
            return TcGetAttr(fd, termios) < 0
                ? (null, $"tcgetattr on {ttyPath} failed: {Marshal.GetLastPInvokeErrorMessage()}")
                : ((BitConverter.ToUInt32(termios, 12) & ICanon) != 0, null);
        }
        finally { _ = TtyInputQueue.Close(fd); }
    }

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, [Out] byte[] termios);
}
