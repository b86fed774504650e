using System.Globalization;
using System.Runtime.InteropServices;

namespace FleetExporter.Web.SystemdService;

/// <summary>
/// <c>--web.systemd-socket</c>: the listening sockets systemd passed (fds 3, 4, ... per <c>LISTEN_FDS</c>, for the
/// process named by <c>LISTEN_PID</c>), taken as sd_listen_fds(3) takes them: the variables are then removed and
/// the fds marked close-on-exec, so the tmux and systemctl the collections run inherit neither.
/// </summary>
public static partial class SocketActivation
{
    public const int FirstFd = 3;

    /// <summary>The passed fds for process <paramref name="pid"/>: none when the variables are absent, malformed or meant for another process.</summary>
    public static IReadOnlyList<int> Fds(string? listenPid, string? listenFds, int pid)
    {
        if (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out var forPid) || forPid != pid) return [];
        if (!int.TryParse(listenFds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || count > int.MaxValue - FirstFd) return [];
        return [.. Enumerable.Range(FirstFd, count)];
    }

    /// <summary>Takes this process's sockets; throws <see cref="SocketActivationException"/> when systemd passed none.</summary>
    public static IReadOnlyList<int> Take()
    {
        var fds = Fds(Environment.GetEnvironmentVariable("LISTEN_PID"), Environment.GetEnvironmentVariable("LISTEN_FDS"), Environment.ProcessId);
        foreach (var name in (string[])["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]) Environment.SetEnvironmentVariable(name, null);
        if (fds.Count == 0)
            throw new SocketActivationException("--web.systemd-socket: no socket activation file descriptors found (LISTEN_PID/LISTEN_FDS not set for this process: start it from a .socket unit or systemd-socket-activate)");
        foreach (var fd in fds)
        {
            if (SetFd(fd, FSetFd, FdCloExec) != 0)
                throw new SocketActivationException($"--web.systemd-socket: fd {fd} passed in LISTEN_FDS is not open (errno {Marshal.GetLastPInvokeError()})");
            // Kestrel would fail on anything else with a trace.
            using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false);
            string kind;
            try { kind = Files.NonBlockingFile.NotRegular(handle) ?? "a regular file"; }
            catch (IOException e) { throw new SocketActivationException($"--web.systemd-socket: fd {fd} passed in LISTEN_FDS cannot be examined: {e.Message}"); }
            if (kind != "a socket")
                throw new SocketActivationException($"--web.systemd-socket: fd {fd} passed in LISTEN_FDS is {kind}, not a socket");
        }
        return fds;
    }

    private const int FSetFd = 2;
    private const int FdCloExec = 1;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int SetFd(int fd, int command, int flags);
}

public sealed class SocketActivationException(string message) : Exception(message);
