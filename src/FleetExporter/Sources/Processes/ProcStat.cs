using System.Globalization;

namespace FleetExporter.Sources.Processes;

/// <summary>
/// The fields of <c>/proc/PID/stat</c> the join needs (times in clock ticks, RSS in pages). ExitCode is field 52,
/// the wait status the kernel keeps for a process that has exited and not yet been reaped (Linux 3.5 and later).
/// </summary>
public sealed record ProcStat(int Pid, string Comm, char State, int ParentPid, ulong UserTicks, ulong SystemTicks, ulong StartTicks, long RssPages, int? ExitCode = null)
{
    /// <summary>The exit status of a process that exited normally but was not reaped (a zombie), else null.</summary>
    public int? ZombieExitStatus => State == 'Z' && ExitCode is { } code && (code & 0x7f) == 0 ? (code >> 8) & 0xff : null;

    /// <summary>Fields 5-8: process group, session, controlling terminal (device number, 0: none) and its foreground group.</summary>
    public int ProcessGroup { get; init; }
    public int Session { get; init; }
    public int Terminal { get; init; }
    public int ForegroundGroup { get; init; }
}

public static class ProcStatParser
{
    /// <summary>
    /// comm sits in parentheses and may itself hold spaces and ')', so fields are counted from the last ')'.
    /// Returns null for a line that does not have the shape (a process that vanished mid-read).
    /// </summary>
    public static ProcStat? Parse(string line) => Parse(line.AsSpan());

    /// <summary>As <see cref="Parse(string)"/>, from a line decoded into a reused buffer (the /proc pass allocates only comm).</summary>
    public static ProcStat? Parse(ReadOnlySpan<char> line)
    {
        line = line.TrimEnd('\n');
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open <= 0 || close < open || close + 2 >= line.Length) return null;
        if (!int.TryParse(line[..open].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        // Field N is rest[N - 3] (rest[0] is field 3, the state); read in place: this runs for every process at every collection.
        var rest = line[(close + 2)..];
        Span<Range> fields = stackalloc Range[51];
        var count = rest.Split(fields, ' ');
        if (count < 22 || rest[fields[0]].Length != 1) return null;
        return ulong.TryParse(rest[fields[11]], CultureInfo.InvariantCulture, out var utime)
            && ulong.TryParse(rest[fields[12]], CultureInfo.InvariantCulture, out var stime)
            && ulong.TryParse(rest[fields[19]], CultureInfo.InvariantCulture, out var start)
            && long.TryParse(rest[fields[21]], CultureInfo.InvariantCulture, out var rss)
            && int.TryParse(rest[fields[1]], CultureInfo.InvariantCulture, out var ppid)
            && int.TryParse(rest[fields[2]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pgrp)
            && int.TryParse(rest[fields[3]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var session)
            && int.TryParse(rest[fields[4]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var tty)
            && int.TryParse(rest[fields[5]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var tpgid)
            ? new ProcStat(pid, line[(open + 1)..close].ToString(), rest[fields[0]][0], ppid, utime, stime, start, rss,
                count >= 50 ? ExitCode(rest[fields[49]]) : null)
            {
                ProcessGroup = pgrp, Session = session, Terminal = tty, ForegroundGroup = tpgid,
            }
            : null;
    }

    private static int? ExitCode(ReadOnlySpan<char> field) =>
        int.TryParse(field.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>The <c>btime</c> line of <c>/proc/stat</c>: boot time in Unix seconds.</summary>
    public static long? ParseBootTime(string procStat)
    {
        foreach (var line in procStat.Split('\n'))
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture, out var btime))
                return btime;
        return null;
    }

    /// <summary>NUL-separated argv from <c>/proc/PID/cmdline</c>.</summary>
    public static IReadOnlyList<string> ParseCmdline(string raw) =>
        raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
}
