using System.Globalization;

namespace FleetExporter.Tmux;

/// <summary>Parses <c>tmux list-panes -a -F <see cref="Format"/></c>, keeping each session's first pane.</summary>
public static class TmuxListParser
{
    /// <summary>Tab-separated; the free-text command goes last so a stray tab in it cannot shift other fields.</summary>
    public const string Format =
        "#{session_name}\t#{pane_id}\t#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{session_activity}\t#{pane_tty}\t#{pane_width}\t#{pane_height}\t#{pid}\t#{pane_current_command}";

    public static IReadOnlyDictionary<string, TmuxPane> Parse(string output)
    {
        var sessions = new Dictionary<string, TmuxPane>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            var f = line.Split('\t', 11);
            if (f.Length < 11) throw new FormatException($"tmux list-panes line has {f.Length} fields, expected 11: {line}");
            if (sessions.ContainsKey(f[0])) continue; // list-panes -a lists windows and panes in index order
            sessions[f[0]] = new TmuxPane(
                f[0],
                f[1],
                Int(f[2]),
                f[10],
                f[3] == "1",
                f[3] == "1" ? Int(f[4]) : null,
                long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var at) && at > 0 ? DateTimeOffset.FromUnixTimeSeconds(at) : null,
                f[6],
                Int(f[7]) ?? 0,
                Int(f[8]) ?? 0,
                Int(f[9]));
        }
        return sessions;
    }

    /// <summary>tmux exits 1 and says so when no server listens on the socket; that means "no sessions", not a failure.</summary>
    public static bool MeansNoServer(string stderr) =>
        stderr.Contains("no server running", StringComparison.Ordinal)
        || (stderr.Contains("error connecting to", StringComparison.Ordinal)
            && (stderr.Contains("No such file or directory", StringComparison.Ordinal) || stderr.Contains("Connection refused", StringComparison.Ordinal)));

    private static int? Int(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
}
