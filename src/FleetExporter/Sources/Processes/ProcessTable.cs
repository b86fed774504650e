using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace FleetExporter.Sources.Processes;

/// <summary>A snapshot of every process in /proc, with parent links, read once per collection (no `ps`).</summary>
public sealed partial class ProcessTable
{
    private readonly Dictionary<int, ProcStat> _byPid;
    private readonly Dictionary<int, List<int>> _children;
    private readonly string _procRoot;

    public long ClockTicksPerSecond { get; }
    public long PageSize { get; }
    public long? BootTimeUnixSeconds { get; }

    private ProcessTable(string procRoot, Dictionary<int, ProcStat> byPid, long? bootTime)
    {
        _procRoot = procRoot;
        _byPid = byPid;
        _children = byPid.Values.GroupBy(p => p.ParentPid).ToDictionary(g => g.Key, g => g.Select(p => p.Pid).Order().ToList());
        ClockTicksPerSecond = ClockTicks();
        PageSize = Environment.SystemPageSize;
        BootTimeUnixSeconds = bootTime;
    }

    public int Count => _byPid.Count;

    /// <summary>When one process started, from its stat line and the boot time; null when it is gone or unreadable.</summary>
    public static DateTimeOffset? StartTimeOf(int pid, string procRoot = "/proc")
    {
        try
        {
            var stat = ProcStatParser.Parse(File.ReadAllText(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat")));
            var boot = BootTime(procRoot);
            return stat is null || boot is null
                ? null
                : DateTimeOffset.FromUnixTimeMilliseconds(boot.Value * 1000 + (long)(stat.StartTicks * 1000.0 / ClockTicks()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public static ProcessTable Read(string procRoot = "/proc")
    {
        var byPid = new Dictionary<int, ProcStat>();
        // One buffer for every stat file, decoded into one more: File.ReadAllText's reader buffers (~12 KB per
        // process), then the line as a string, were most of what a collection allocated.
        var buffer = ArrayPool<byte>.Shared.Rent(StatBytes);
        var text = ArrayPool<char>.Shared.Rent(StatBytes);
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(procRoot))
            {
                var name = Path.GetFileName(dir.AsSpan());
                if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
                try
                {
                    if (ProcStatParser.Parse(ReadStat(Path.Join(dir, "stat"), buffer, text)) is { } stat)
                        byPid[stat.Pid] = stat;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The process exited between listing and reading: it is simply not in this snapshot.
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(text);
        }
        return new ProcessTable(procRoot, byPid, BootTime(procRoot));
    }

    /// <summary>
    /// Only <paramref name="rootPid"/> and its descendants, found through each thread's <c>children</c> file (what
    /// `send` needs for its one pane, instead of every process on the host). A kernel without those files
    /// (CONFIG_PROC_CHILDREN) gets the whole table.
    /// </summary>
    public static ProcessTable ReadTree(int rootPid, string procRoot = "/proc")
    {
        if (!Directory.Exists(Path.Combine(procRoot, "self", "task"))
            || !File.Exists(Path.Combine(procRoot, "self", "task", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "children")))
            return Read(procRoot);
        var byPid = new Dictionary<int, ProcStat>();
        var buffer = ArrayPool<byte>.Shared.Rent(StatBytes);
        var text = ArrayPool<char>.Shared.Rent(StatBytes);
        try
        {
            var pending = new Stack<int>([rootPid]);
            while (pending.Count > 0 && byPid.Count < MaxTree)
            {
                var pid = pending.Pop();
                if (byPid.ContainsKey(pid)) continue;
                var dir = Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                try
                {
                    if (ProcStatParser.Parse(ReadStat(Path.Join(dir, "stat"), buffer, text)) is not { } stat) continue;
                    byPid[pid] = stat;
                    foreach (var task in Directory.EnumerateDirectories(Path.Join(dir, "task")))
                        foreach (var child in File.ReadAllText(Path.Join(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                            if (int.TryParse(child, out var c)) pending.Push(c);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile: not in this snapshot.
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(text);
        }
        return new ProcessTable(procRoot, byPid, BootTime(procRoot));
    }

    /// <summary>The <c>btime</c> of <c>/proc/stat</c>, or null when it cannot be read.</summary>
    private static long? BootTime(string procRoot)
    {
        try { return ProcStatParser.ParseBootTime(File.ReadAllText(Path.Combine(procRoot, "stat"))); }
        catch (IOException) { return null; }
    }

    /// <summary>A pane's tree is a handful of processes; a fork bomb in one is not read whole.</summary>
    private const int MaxTree = 4096;

    /// <summary>A stat line is a few hundred bytes (52 numbers and a 16-byte comm at most); more is cut, and the parser refuses a cut line only if it lost the fields it needs.</summary>
    private const int StatBytes = 4096;

    private static ReadOnlySpan<char> ReadStat(string path, byte[] buffer, char[] text) =>
        text.AsSpan(0, Encoding.UTF8.GetChars(buffer.AsSpan(0, ReadBytes(path, buffer)), text));

    private static int ReadBytes(string path, byte[] buffer)
    {
        using var handle = File.OpenHandle(path);
        var total = 0;
        int read;
        while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0) total += read;
        return total;
    }

    public ProcStat? Get(int pid) => _byPid.GetValueOrDefault(pid);

    /// <summary>The process and all its descendants, breadth first, so the process nearest the root comes first.</summary>
    public IEnumerable<ProcStat> Tree(int rootPid)
    {
        if (!_byPid.TryGetValue(rootPid, out var root)) yield break;
        var queue = new Queue<ProcStat>([root]);
        var seen = new HashSet<int> { rootPid };
        while (queue.TryDequeue(out var p))
        {
            yield return p;
            if (!_children.TryGetValue(p.Pid, out var kids)) continue;
            foreach (var kid in kids)
                if (seen.Add(kid) && _byPid.TryGetValue(kid, out var k)) queue.Enqueue(k);
        }
    }

    public IReadOnlyList<string> Cmdline(int pid)
    {
        try { return ProcStatParser.ParseCmdline(File.ReadAllText(Path.Combine(_procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "cmdline"))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>
    /// The kernel shows a process's exit code (stat field 52) only to a reader allowed to trace it, and 0 to others:
    /// root, or the same effective uid (a setuid program's /proc entry belongs to root).
    /// </summary>
    public bool MayReadExitCode(int pid)
    {
        var euid = GetEffectiveUserId();
        if (euid == 0) return true;
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(_procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "status")))
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    return line.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, _, var effective, ..] && effective == euid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return false;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public double CpuSeconds(ProcStat p) => (p.UserTicks + p.SystemTicks) / (double)ClockTicksPerSecond;

    public long RssBytes(ProcStat p) => p.RssPages * PageSize;

    public DateTimeOffset? StartTime(ProcStat p) =>
        BootTimeUnixSeconds is { } boot
            ? DateTimeOffset.FromUnixTimeMilliseconds(boot * 1000 + (long)(p.StartTicks * 1000.0 / ClockTicksPerSecond))
            : null;

    private const int ScClkTck = 2;

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    private static long ClockTicks()
    {
        try { var v = SysConf(ScClkTck); return v > 0 ? v : 100; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return 100; }
    }
}
