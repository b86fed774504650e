using FleetExporter.Subprocess;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// The hostile-input suite, part two: something other than a regular file where the product reads or writes one
/// (a FIFO, a directory, a device, a link to someone else's file), run as an operator would, on the built binary.
/// Every row ends within its bound with its documented exit code and a message that names the file; nothing is
/// written through a link, and nothing blocks.
/// </summary>
public sealed class HostileFilesTests
{
    /// <summary>What is planted at the path.</summary>
    public enum Plant { Fifo, Directory, Device, LinkToVictim, LinkToNowhere }

    /// <summary>A row: which file, what is planted there, the command, its exit code and what stderr must say.</summary>
    public sealed record Row(string File, Plant Plant, string[] Command, int Exit, string Says, string Stdin = "{}");

    private static readonly string[] PsArgs = ["ps", "--roster", "{roster}"];

    /// <summary>File role → (where it lives relative to the test's HOME, the command that reads or writes it).</summary>
    public static TheoryData<string, Plant> Rows => new()
    {
        { "roster", Plant.Fifo }, { "roster", Plant.Directory }, { "roster", Plant.Device },
        { "init roster", Plant.Fifo }, { "init roster", Plant.Device },
        { "claude settings", Plant.Fifo }, { "claude settings", Plant.Directory }, { "claude settings", Plant.Device },
        { "gemini settings", Plant.Fifo }, { "gemini settings", Plant.Device },
        { "heartbeat", Plant.Fifo }, { "heartbeat", Plant.Directory }, { "heartbeat", Plant.Device },
        { "send journal", Plant.Fifo }, { "send journal", Plant.Directory },
        { "hook log", Plant.Fifo }, { "hook log", Plant.LinkToVictim },
        { "agent env file", Plant.Fifo },
        { "heartbeat lock", Plant.LinkToVictim }, { "heartbeat lock", Plant.LinkToNowhere },
        { "heartbeat", Plant.LinkToNowhere },
    };

    private static Row Case(string file, Plant plant) => file switch
    {
        "roster" => new("r/roster.yaml", plant, ["ps", "--roster", "{path}"], 2, "roster error: {path}"),
        "init roster" => new("init/roster.yaml", plant, ["init", "--agent", "a1", "--roster", "{path}", "--dry-run"], 2, "{path}"),
        "claude settings" => new("home/.claude/settings.json", plant, ["hooks", "install", "claude"], 2, "{path}"),
        "gemini settings" => new("home/.gemini/settings.json", plant, ["hooks", "install", "gemini"], 2, "{path}"),
        // A heartbeat that is no file is that agent's HB-INVALID (exit 6: some facts unknown here, without systemd).
        "heartbeat" => new("hb/a1.hb", plant, ["ps", "--roster", "{roster}", "--json"], 6, ""),
        "send journal" => new("state/sends.jsonl", plant, ["ps", "--roster", "{roster}"], 6, "send_journal unknown: cannot read {path}"),
        "hook log" => new("state/fleet/hook.log", plant, ["hook", "--runtime", "claude", "--roster", "{roster}"], 0, "no agent"),
        "heartbeat lock" => new("hb/.a1.hb.lock", plant, ["hook", "--runtime", "claude", "a1", "--roster", "{roster}"], 0, "is a symbolic link, never opened; this update is dropped",
            """{"hook_event_name":"Stop","session_id":"s"}"""),
        "agent env file" => new("home/.config/fleet/agents/a1.env", plant, ["init", "--agent", "a1", "--roster", "{roster2}"], 2, "{path}: not a regular file"),
        _ => throw new ArgumentException(file),
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Rows))]
    public async Task Something_else_than_a_file_is_refused_in_time_with_its_name_and_never_written_through(string file, Plant plant)
    {
        var row = Case(file, plant);
        using var dir = new TempDirectory();
        var path = dir.File(row.File);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var victim = dir.Write("victim", "precious\n");
        switch (plant)
        {
            case Plant.Fifo: Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [path], TimeSpan.FromSeconds(5))).ExitCode); break;
            case Plant.Directory: Directory.CreateDirectory(path); break;
            case Plant.Device: File.CreateSymbolicLink(path, "/dev/zero"); break;
            case Plant.LinkToVictim: File.CreateSymbolicLink(path, victim); break;
            case Plant.LinkToNowhere: File.CreateSymbolicLink(path, dir.File("nowhere")); break;
        }
        var roster = row.File.StartsWith("r/", StringComparison.Ordinal) ? path : dir.Write("roster.yaml", $$"""
            heartbeat: { dir: {{dir.File("hb")}} }
            tmux: { socket_name: hostile-{{Guid.NewGuid().ToString("N")[..6]}} }
            send_journal: {{dir.File("state/sends.jsonl")}}
            agents: [ { name: a1, runtime: claude } ]
            """);
        string Fill(string s) => s.Replace("{path}", path).Replace("{roster}", roster).Replace("{roster2}", dir.File("fresh/roster.yaml"));
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = dir.File("home"), ["XDG_CONFIG_HOME"] = dir.File("home/.config"), ["XDG_STATE_HOME"] = dir.File("state"),
            ["FLEET_AGENT"] = null, ["FLEET_ROSTER"] = null,
            // No user manager for these commands, whatever the test process has: systemd is unknown, and ps exits 6.
            ["XDG_RUNTIME_DIR"] = dir.File("run"), ["DBUS_SESSION_BUS_ADDRESS"] = null,
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var r = await FleetBinary.RunAsync([.. row.Command.Select(Fill)], TimeSpan.FromSeconds(30), env, stdin: row.Stdin);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"{file} as {plant}: took {watch.Elapsed}");
        Assert.True(row.Exit == r.ExitCode, $"{file} as {plant}: exit {r.ExitCode}\n{r.StandardError}");
        Assert.Contains(Fill(row.Says), r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.False(File.Exists(dir.File("nowhere")), $"{file} as {plant}: a file was made through the link");
        // A link to nothing is no heartbeat at all; anything else there is one that cannot be read.
        if (file == "heartbeat") Assert.Contains(plant == Plant.LinkToNowhere ? "\"HB-MISSING\"" : "\"HB-INVALID\"", r.StandardOutput);
        // Never through a planted lock: the update is dropped (and logged), not written unlocked.
        if (file == "heartbeat lock") Assert.False(File.Exists(dir.File("hb/a1.hb")), "the heartbeat was written without its lock");
    }
}
