using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Roster;

/// <summary>
/// Reads a roster file into a <see cref="FleetRoster"/>. Strict: unknown keys, duplicate agents, names tmux or
/// systemd cannot hold, unknown runtimes and bad durations are errors naming the file, line and key.
/// </summary>
public static partial class RosterLoader
{
    public const string EnvironmentVariable = "FLEET_ROSTER";

    /// <summary>Deeper YAML is refused while it is read: a roster needs about five levels, and depth costs stack.</summary>
    public const int MaxDepth = Text.YamlDepth.Max;

    /// <summary>Larger files are refused unread: a roster of a thousand agents is about 100 KB.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary><c>$FLEET_ROSTER</c>, else <c>${XDG_CONFIG_HOME:-~/.config}/fleet/roster.yaml</c>.</summary>
    public static string DefaultPath()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        return Path.Combine(XdgDirectory("XDG_CONFIG_HOME", ".config"), "fleet", "roster.yaml");
    }

    /// <summary><c>${XDG_CONFIG_HOME:-~/.config}</c>: the systemd user manager's <c>%E</c>, where the user's units live.</summary>
    public static string ConfigHome() => XdgDirectory("XDG_CONFIG_HOME", ".config");

    public static string DefaultHeartbeatDirectory() =>
        Path.Combine(XdgDirectory("XDG_STATE_HOME", Path.Combine(".local", "state")), "fleet", "run");

    public static string DefaultSendJournal() =>
        Path.Combine(XdgDirectory("XDG_STATE_HOME", Path.Combine(".local", "state")), "fleet", "sends.jsonl");

    /// <summary>Reads and checks a roster file; anything but a regular file of at most <see cref="MaxBytes"/> is refused.</summary>
    public static FleetRoster LoadFile(string path) => Parse(RosterFile.Read(path), path);

    /// <summary>An empty fleet, with every default, for <c>serve</c> started before any roster exists.</summary>
    public static FleetRoster Empty() => Parse("agents: []", "(empty roster)");

    public static FleetRoster Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            CheckDepth(yaml, file);
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new RosterException(file, (int)e.Start.Line, "(yaml)", Unwrap(e));
        }
        catch (ArgumentException e)
        {
            // The representation model rejects duplicate mapping keys this way.
            throw new RosterException(file, 0, "(yaml)", e.Message);
        }
        if (stream.Documents.Count == 0)
            throw new RosterException(file, 1, "(file)", "the roster is empty; it needs at least an `agents:` list");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new RosterException(file, Line(stream.Documents[0].RootNode), "(top level)", "expected a mapping of keys such as tenant, host, agents");
        try { return new Reader(file).ReadRoster(root); }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            // A shape the reader did not foresee is still a bad roster (exit 2), never a crash of ps or serve.
            throw new RosterException(file, 0, "(roster)", $"unexpected structure: {e.Message}");
        }
    }

    private static void CheckDepth(string yaml, string file)
    {
        if (Text.YamlDepth.FirstLineDeeperThan(yaml, MaxDepth) is { } line)
            throw new RosterException(file, line, "(yaml)", $"nested deeper than {MaxDepth}");
    }

    private static string Unwrap(YamlException e)
    {
        var inner = e.InnerException?.Message;
        return string.IsNullOrEmpty(inner) ? e.Message : $"{e.Message} ({inner})";
    }

    internal static int Line(YamlNode node) => (int)node.Start.Line;

    private static string XdgDirectory(string variable, string fallbackUnderHome)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return !string.IsNullOrWhiteSpace(value) && Path.IsPathRooted(value)
            ? value
            : Path.Combine(Home(), fallbackUnderHome);
    }

    internal static string Home() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    internal static string ExpandHome(string path) =>
        path == "~" ? Home() : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home(), path[2..]) : path;

    /// <summary>Agent names become tmux session names, systemd instance names, file names and label values.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}\z")]
    internal static partial Regex AgentName();

    /// <summary>tmux turns '.' and ':' into '_' and reads a leading '=' or '$' as target syntax.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_@+-]{0,99}\z")]
    internal static partial Regex SessionName();

    [GeneratedRegex(@"^[A-Za-z0-9:_.\\@-]{1,240}\.(service|scope|target|socket|timer|path)\z")]
    internal static partial Regex UnitName();

    /// <summary>The host label: a host name (dots allowed), never a control character.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}\z")]
    internal static partial Regex HostLabel();

    /// <summary>What an include/exclude glob may hold: name characters, '*' and '?'.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_*?-]+\z")]
    internal static partial Regex GlobShape();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,31}\z")]
    internal static partial Regex RuntimeName();
}
