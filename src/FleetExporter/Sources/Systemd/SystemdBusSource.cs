using System.Diagnostics;
using FleetExporter.Roster;
using Tmds.DBus.Protocol;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// The roster's units over D-Bus, as systemctl asks for them but without a subprocess and without one round trip
/// per unit: one <c>ListUnitsByNames</c> (load, active and sub state) and a <c>Properties.Get</c> per unit for
/// MainPID and NRestarts, all sent at once and awaited together. UnitFileState is read again only when the manager
/// said its unit files changed (<c>UnitFilesChanged</c>, <c>Reloading</c>; a second round trip) or the cached value
/// is older than <c>systemd.unit_file_state_max_age</c>. The connection (one per address, shared by every instance)
/// stays open across collections and is made again after a failure. When D-Bus cannot be reached or fails, the
/// collection falls back to <see cref="SystemdSource"/> (systemctl), and its result says so (a note, and the method).
/// </summary>
public sealed class SystemdBusSource(TimeProvider clock, SystemdSource fallback, Func<SystemdScope, string?>? address = null)
    : ISystemdSource
{
    private const string Destination = ManagerConnection.Destination;
    private const string UnitInterface = "org.freedesktop.systemd1.Unit";
    private const string ServiceInterface = "org.freedesktop.systemd1.Service";

    private readonly Func<SystemdScope, string?> _address = address ?? SystemdBusAddress.For;
    private readonly UnitFileStateCache _unitFileStates = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _paths = new(StringComparer.Ordinal);
    /// <summary>The connection and its count of unit-file changes when UnitFileState was last read (one reference, written whole).</summary>
    private UnitFilesRead? _unitFilesSeen;

    private sealed record UnitFilesRead(ManagerConnection Manager, long Changes);

    public SystemdBusSource(TimeProvider clock) : this(clock, new SystemdSource(clock)) { }

    string IFleetSource<SystemdObservation>.Name => SystemdSource.Name;

    public async Task<SourceRead<SystemdObservation>> ReadAsync(SourceInput input, CancellationToken ct)
    {
        var roster = input.Roster;
        var span = Activity.Current;
        var ask = SystemdAsk.For(roster, _unitFileStates, clock);
        var (units, now, cache, tooOld) = (ask.Units, ask.Now, ask.Cache, ask.RefreshFileState);
        if (units.Count == 0) return Read(ask.Observation(new Dictionary<string, UnitFacts>()));
        span?.SetTag("fleet.units", units.Count);

        string why;
        for (var attempt = 0; ; attempt++)
        {
            ManagerConnection.Pending? connecting = null;
            var reused = false;
            try
            {
                (connecting, reused) = Connection(roster.Systemd.Scope);
                var manager = await connecting.Task.WaitAsync(ct);
                var (facts, refreshed) = await QueryAsync(manager, units, tooOld, cache, now).WaitAsync(ct);
                span?.SetTag("fleet.unit_file_state_refreshed", refreshed is not null);
                if (refreshed is { } seen)
                {
                    _unitFileStates.Refreshed(facts, now);
                    _unitFilesSeen = seen;
                }
                return Read(ask.Observation(facts));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // A connection still in its handshake (a hung manager) is closed now, or each scrape would leave one
                // open. A connected one is shared with other scrapes: a reply nobody reads on it is harmless.
                if (connecting is { Task.IsCompleted: false }) Drop(connecting);
                throw;
            }
            catch (Exception e)
            {
                if (connecting is not null) Drop(connecting);
                why = e.Message;
                // A connection that served before may have gone with a restarted manager: one fresh try.
                if (reused && attempt == 0) continue;
                break;
            }
        }

        span?.SetTag("fleet.dbus_fallback", why);
        var note = $"D-Bus failed ({why}); used systemctl";
        try
        {
            var result = await fallback.ReadAsync(input, ct);
            return result with { Note = note, Method = SystemdSource.MethodSystemctl };
        }
        catch (SourceFailedException e) { throw new SourceFailedException(e.Message, note); }
    }

    private static SourceRead<SystemdObservation> Read(SystemdObservation observation) => new(observation) { Method = MethodDbus };

    public const string MethodDbus = "dbus";

    private (ManagerConnection.Pending Connecting, bool Reused) Connection(SystemdScope scope)
    {
        var address = _address(scope);
        if (address is null)
            throw new DBusConnectFailedException(
                "no D-Bus address for the systemd manager (no $XDG_RUNTIME_DIR/systemd/private, no $DBUS_SESSION_BUS_ADDRESS)");
        return SystemdBusConnections.Get(address);
    }

    private static void Drop(ManagerConnection.Pending connecting) => SystemdBusConnections.Drop(connecting);

    /// <summary>
    /// The units' facts; UnitFileState read afresh (and the unit-file changes it reflects returned) when the cached
    /// values are too old, or when the manager said its unit files changed since they were read (known once the first
    /// reply is in: the signal came before it), else taken from the cache and null returned.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, UnitFacts> Facts, UnitFilesRead? Refreshed)> QueryAsync(
        ManagerConnection manager, IReadOnlyList<string> units, bool tooOld,
        IReadOnlyDictionary<string, (string? State, DateTimeOffset At)> cache, DateTimeOffset now)
    {
        var connection = manager.Bus;
        var changesBefore = manager.UnitFileChanges;
        // Everything is written before anything is awaited: systemd answers in order, so this is one round trip.
        var states = connection.CallMethodAsync(ListUnitsByNames(connection, units), static (m, _) => ReadUnitStates(m), null);
        var paths = units.Select(UnitPath).ToList();
        var pids = new Task<VariantValue?>[units.Count];
        var restarts = new Task<VariantValue?>[units.Count];
        for (var i = 0; i < units.Count; i++)
        {
            pids[i] = GetAsync(connection, paths[i], ServiceInterface, "MainPID");
            restarts[i] = GetAsync(connection, paths[i], ServiceInterface, "NRestarts");
        }
        var fileStates = tooOld ? FileStates(connection, paths) : null;
        var listed = await states;
        // A second round trip only when unit files changed since the cache was filled (or the connection is new).
        var changes = manager.UnitFileChanges;
        if (fileStates is null && _unitFilesSeen != new UnitFilesRead(manager, changes)) fileStates = FileStates(connection, paths);
        await Task.WhenAll(pids);
        await Task.WhenAll(restarts);
        if (fileStates is not null) await Task.WhenAll(fileStates);
        if (listed.Count != units.Count)
            throw new FormatException($"ListUnitsByNames returned {listed.Count} units for {units.Count}");

        var facts = new Dictionary<string, UnitFacts>(StringComparer.Ordinal);
        for (var i = 0; i < units.Count; i++)
        {
            var (load, active, sub) = listed[i];
            var fileState = fileStates is not null
                ? (State: String(fileStates[i].Result), At: now)
                : cache.TryGetValue(units[i], out var cached) ? cached : (State: (string?)null, At: default);
            facts[units[i]] = new UnitFacts(
                units[i],
                NonEmpty(load) ?? "unknown",
                NonEmpty(active) ?? "unknown",
                NonEmpty(sub) ?? "unknown",
                fileState.State,
                fileState.At == default ? null : fileState.At,
                Number(pids[i].Result) is > 0 and <= int.MaxValue and var pid ? (int)pid : null,
                Number(restarts[i].Result));
        }
        // Read before the first reply when the cache was too old: a change signalled after that is read next time.
        return (facts, fileStates is null ? null : new UnitFilesRead(manager, tooOld ? changesBefore : changes));
    }

    private static Task<VariantValue?>[] FileStates(DBusConnection connection, IReadOnlyList<string> paths) =>
        [.. paths.Select(p => GetAsync(connection, p, UnitInterface, "UnitFileState"))];

    /// <summary>Object paths by unit, kept: the roster's units are the same from one collection to the next.</summary>
    private string UnitPath(string unit) => _paths.GetOrAdd(unit, SystemdBusAddress.UnitPath);

    private static MessageBuffer ListUnitsByNames(DBusConnection connection, IReadOnlyList<string> units)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Destination, path: ManagerConnection.ManagerPath,
            @interface: ManagerConnection.ManagerInterface, signature: "as", member: "ListUnitsByNames");
        writer.WriteArray(units);
        return writer.CreateMessage();
    }

    /// <summary>a(ssssssouso): name, description, load, active, sub, following, path, job id, job type, job path.</summary>
    private static List<(string Load, string Active, string Sub)> ReadUnitStates(Message message)
    {
        var reader = message.GetBodyReader();
        var list = new List<(string, string, string)>();
        var end = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            reader.ReadString();
            reader.ReadString();
            var load = reader.ReadString();
            var active = reader.ReadString();
            var sub = reader.ReadString();
            reader.ReadString();
            reader.ReadObjectPath();
            reader.ReadUInt32();
            reader.ReadString();
            reader.ReadObjectPath();
            list.Add((load, active, sub));
        }
        return list;
    }

    /// <summary>A property, or null where systemd has none for this unit (MainPID of a unit that is no service).</summary>
    private static async Task<VariantValue?> GetAsync(DBusConnection connection, string path, string @interface, string property)
    {
        try
        {
            return await connection.CallMethodAsync(GetMessage(), static (m, _) => m.GetBodyReader().ReadVariantValue(), null);
        }
        catch (DBusErrorReplyException)
        {
            return null;
        }

        MessageBuffer GetMessage()
        {
            using var writer = connection.GetMessageWriter();
            writer.WriteMethodCallHeader(destination: Destination, path: path,
                @interface: "org.freedesktop.DBus.Properties", signature: "ss", member: "Get");
            writer.WriteString(@interface);
            writer.WriteString(property);
            return writer.CreateMessage();
        }
    }

    private static string? String(VariantValue? v) =>
        v is { Type: VariantValueType.String } s ? NonEmpty(s.GetString()) : null;

    private static long? Number(VariantValue? v) => v switch
    {
        { Type: VariantValueType.UInt32 } u => u.GetUInt32(),
        { Type: VariantValueType.Int32 } i => i.GetInt32(),
        { Type: VariantValueType.UInt64 } u => (long)u.GetUInt64(),
        { Type: VariantValueType.Int64 } i => i.GetInt64(),
        _ => null,
    };

    private static string? NonEmpty(string s) => s.Length > 0 ? s : null;
}
