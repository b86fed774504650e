using System.Globalization;
using FleetExporter.Roster;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>One agent of a <see cref="RosterSpec"/>; <paramref name="More"/> is further YAML fields (<c>session: x, tenant: y</c>).</summary>
public sealed record RosterAgent(string Name, string Runtime, string? More = null);

/// <summary>
/// A roster for tests, written from typed parts (<see cref="FleetRig"/> writes its file): what a test leaves out is
/// left out of the YAML, so the product's defaults apply. The roster's own parser tests keep their YAML inline.
/// </summary>
public sealed record RosterSpec
{
    public string? Tenant { get; init; }
    public string? Host { get; init; }
    public string? HeartbeatDir { get; init; }
    public TimeSpan? Interval { get; init; }
    public string? UnitTemplate { get; init; }
    public string? LingerDir { get; init; }
    public string? Scope { get; init; }
    public string? TmuxSocket { get; init; }
    public string? SendJournal { get; init; }

    /// <summary>Runtimes by name, each the YAML of its entry (<c>{ commands: [sleep] }</c>).</summary>
    public IReadOnlyList<(string Name, string Yaml)> Runtimes { get; init; } = [];
    public IReadOnlyList<RosterAgent> Agents { get; init; } = [];

    /// <summary>The <c>agents:</c> entries as YAML lines (<c>  - { name: a1, ... }</c>), written instead of <see cref="Agents"/> when set.</summary>
    public string? AgentLines { get; init; }

    /// <summary>Further <c>runtimes:</c> entries as YAML lines, each indented two spaces, after <see cref="Runtimes"/>.</summary>
    public string? RuntimeLines { get; init; }

    /// <summary>Lines added as they are at the end of the top level (a section no field here covers).</summary>
    public string? Extra { get; init; }

    /// <summary>The runtime <c>sleeper</c> (the <c>sleep</c> command), which the fleets of these tests run in their panes.</summary>
    public static readonly (string, string) Sleeper = ("sleeper", "{ commands: [sleep] }");

    public RosterSpec WithAgents(params string[] names) => this with { Agents = [.. names.Select(n => n.Split(':') is [var a, var r] ? new RosterAgent(a, r) : new RosterAgent(n, Agents.FirstOrDefault()?.Runtime ?? "sleeper"))] };

    public string Yaml()
    {
        var lines = new List<string>();
        void Add(string key, string? value) { if (value is not null) lines.Add($"{key}: {value}"); }
        Add("tenant", Tenant);
        Add("host", Host);
        var heartbeat = Fields(("dir", HeartbeatDir), ("interval", Interval is { } i ? Duration(i) : null));
        if (heartbeat is not null) lines.Add($"heartbeat: {heartbeat}");
        var systemd = Fields(("scope", Scope), ("unit_template", UnitTemplate is null ? null : $"\"{UnitTemplate}\""), ("linger_dir", LingerDir));
        if (systemd is not null) lines.Add($"systemd: {systemd}");
        if (TmuxSocket is not null) lines.Add($"tmux: {{ socket_name: {TmuxSocket} }}");
        Add("send_journal", SendJournal);
        if (Runtimes.Count > 0 || !string.IsNullOrWhiteSpace(RuntimeLines))
        {
            lines.Add("runtimes:");
            lines.AddRange(Runtimes.Select(r => $"  {r.Name}: {r.Yaml}"));
            if (!string.IsNullOrWhiteSpace(RuntimeLines)) lines.Add(RuntimeLines.TrimEnd('\n'));
        }
        if (Extra is not null) lines.Add(Extra.TrimEnd('\n'));
        if (AgentLines is not null)
            lines.AddRange(["agents:", AgentLines.TrimEnd('\n')]);
        else
        {
            lines.Add(Agents.Count == 0 ? "agents: []" : "agents:");
            lines.AddRange(Agents.Select(a => $"  - {{ name: {a.Name}, runtime: {a.Runtime}{(a.More is null ? "" : ", " + a.More)} }}"));
        }
        return string.Join('\n', lines) + "\n";
    }

    public FleetRoster Parse(string source = "(test roster)") => RosterLoader.Parse(Yaml(), source);

    private static string? Fields(params (string Key, string? Value)[] fields)
    {
        var set = fields.Where(f => f.Value is not null).Select(f => $"{f.Key}: {f.Value}").ToList();
        return set.Count == 0 ? null : "{ " + string.Join(", ", set) + " }";
    }

    private static string Duration(TimeSpan t) =>
        t.TotalSeconds == Math.Floor(t.TotalSeconds) ? $"{(long)t.TotalSeconds}s" : $"{t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
}
