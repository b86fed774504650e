using System.Text.Json;
using FleetExporter.Files;

namespace FleetExporter.Roster;

/// <summary>What a hook or a heartbeat needs of one agent's roster entry: its name, runtime, interval and heartbeat directory.</summary>
public sealed record CachedAgent(string Name, string Runtime, TimeSpan HeartbeatInterval, string HeartbeatDirectory)
{
    public HeartbeatSettings Heartbeat => new(HeartbeatDirectory, HeartbeatInterval);
}

/// <summary>
/// One agent's roster entry kept in a small file of its own, so that a hook (which runs on every tool call of every
/// agent) does not parse a 1000-agent roster to write one heartbeat. The entry holds the roster file's identity
/// (device, inode, size, modification and change times: any write changes the change time), the environment the
/// roster's defaults come from (<c>HOME</c>, <c>XDG_STATE_HOME</c>, <c>XDG_CONFIG_HOME</c>, <c>XDG_RUNTIME_DIR</c>, the
/// user) and this build's version; when any differs, the roster is parsed again and the entry rewritten. A roster
/// changed in the last 2 s is parsed and not kept (a coarse file clock may not show a second change). Kept under
/// <c>$XDG_RUNTIME_DIR/fleet-exporter/agents</c> (else <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>) in a directory
/// that must be the user's own and writable by no one else, else nothing is kept; an entry that cannot be read or
/// written only costs the parse.
/// </summary>
public static class AgentCache
{
    public const int Version = 2;
    private const int MaxBytes = 8 * 1024;

    /// <summary>The agent as the roster at <paramref name="rosterPath"/> has it now; null when the roster has no such agent. A bad roster throws <see cref="RosterException"/>.</summary>
    public static CachedAgent? Find(string rosterPath, string agent, string? directory = null, DateTimeOffset? now = null)
    {
        FileIdentity? identity;
        string real;
        try
        {
            using var handle = NonBlockingFile.OpenRead(rosterPath);
            real = NonBlockingFile.RealPath(handle) ?? Path.GetFullPath(rosterPath);
            identity = NonBlockingFile.Identity(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // What is wrong with the file, the roster's own reader says.
            return Entry(RosterLoader.LoadFile(rosterPath), agent);
        }
        // A name that is no roster name never reaches a path (a hook's $FLEET_AGENT comes from outside).
        var file = identity is not null && RosterLoader.AgentName().IsMatch(agent) && OwnDirectory(directory ?? Directory()) is { } dir
            ? Path.Combine(dir, $"{NameHash(real):x16}.{agent}.json")
            : null;
        // Kept whole, not hashed: comparing it is exact, and a hook that needs no hash loads no crypto library.
        var key = identity is null ? null : real + "\n" + identity.Key + "\n" + Environment();
        if (file is not null && Read(file, key!, agent) is { } kept) return kept;
        var found = Entry(RosterLoader.LoadFile(rosterPath), agent);
        if (found is not null && file is not null && identity!.Settled(now ?? DateTimeOffset.UtcNow)) Write(file, key!, found);
        return found;
    }

    private static CachedAgent? Entry(FleetRoster roster, string agent) =>
        roster.FindAgent(agent) is { } spec ? new CachedAgent(spec.Name, spec.Runtime, spec.HeartbeatInterval, roster.Heartbeat.Directory) : null;

    /// <summary>What the roster's defaults are made of, and what made the entry: the variables, the user, this build.</summary>
    private static string Environment() =>
        string.Join("\n", new[] { "HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR" }.Select(k => $"{k}={System.Environment.GetEnvironmentVariable(k)}"))
        + $"\nuid={FileOwner.EffectiveUid}\nbuild={Telemetry.BuildInfo.Version}+{Telemetry.BuildInfo.Revision}";

    private static string? Directory()
    {
        var runtime = System.Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var cache = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = RosterLoader.Home();
        var root = runtime is { Length: > 0 } && Path.IsPathRooted(runtime) && System.IO.Directory.Exists(runtime) ? runtime
            : cache is { Length: > 0 } && Path.IsPathRooted(cache) ? cache
            : home is { Length: > 0 } ? Path.Combine(home, ".cache") : null;
        return root is null ? null : Path.Combine(root, "fleet-exporter", "agents");
    }

    /// <summary>The directory, created 0700 when missing; null unless it is a real directory of this user that no one else can write.</summary>
    private static string? OwnDirectory(string? directory)
    {
        if (directory is null) return null;
        try
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var info = new DirectoryInfo(directory);
            return info.LinkTarget is null && FileOwner.Of(directory).Uid == FileOwner.EffectiveUid
                   && (info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0
                ? directory
                : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    /// <summary>FNV-1a over the path's UTF-16 code units: only spreads rosters over file names (the key decides).</summary>
    private static ulong NameHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    private static CachedAgent? Read(string file, string key, string agent)
    {
        try
        {
            if (new FileInfo(file).LinkTarget is not null) return null;
            using var doc = JsonDocument.Parse(NonBlockingFile.ReadRegular(file, MaxBytes));
            var r = doc.RootElement;
            return r.GetProperty("v").GetInt32() == Version && r.GetProperty("key").GetString() == key && r.GetProperty("name").GetString() == agent
                ? new CachedAgent(agent, r.GetProperty("runtime").GetString()!, TimeSpan.FromMilliseconds(r.GetProperty("interval_ms").GetInt64()),
                    r.GetProperty("heartbeat_dir").GetString()!)
                : null;
        }
        // Whatever is wrong with a kept entry, the roster is parsed instead.
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    private static void Write(string file, string key, CachedAgent agent)
    {
        try
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("v", Version);
                json.WriteString("key", key);
                json.WriteString("name", agent.Name);
                json.WriteString("runtime", agent.Runtime);
                json.WriteNumber("interval_ms", (long)agent.HeartbeatInterval.TotalMilliseconds);
                json.WriteString("heartbeat_dir", agent.HeartbeatDirectory);
                json.WriteEndObject();
            }
            // Not flushed to disk: an entry a crash loses costs one parse.
            AtomicFile.Write(file, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), flushToDisk: false);
        }
        // Not kept: the next hook parses the roster again, which is all it costs.
        catch (Exception e) when (e is not OutOfMemoryException) { }
    }
}
