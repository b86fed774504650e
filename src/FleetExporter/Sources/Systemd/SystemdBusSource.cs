using System.Diagnostics;
using FleetExporter.Roster;
using FleetExporter.Telemetry;
using Tmds.DBus.Protocol;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// The roster's units over D-Bus, as systemctl asks for them but without a subprocess and without one round trip
/// per unit: one <c>ListUnitsByNames</c> (load, active and sub state) and a <c>Properties.Get</c> per unit for
/// MainPID and NRestarts (and UnitFileState when the cached value is older than
/// <c>systemd.unit_file_state_max_age</c>), all sent at once and awaited together. The connection (one per
/// address, shared by every instance) stays open across collections and is made again after a failure. When D-Bus cannot be reached or fails, the collection
/// falls back to <see cref="SystemdSource"/> (systemctl) and its result carries a note saying why.
/// </summary>
public sealed class SystemdBusSource(TimeProvider clock, SystemdSource fallback, Func<SystemdScope, string?>? address = null)
    : ISystemdSource
{
    private const string Destination = "org.freedesktop.systemd1";
    private const string UnitInterface = "org.freedesktop.systemd1.Unit";
    private const string ServiceInterface = "org.freedesktop.systemd1.Service";

    private readonly Func<SystemdScope, string?> _address = address ?? SystemdBusAddress.For;
    private readonly UnitFileStateCache _unitFileStates = new();

    public SystemdBusSource(TimeProvider clock) : this(clock, new SystemdSource(clock)) { }

    public async Task<SourceResult<SystemdObservation>> ObserveAsync(FleetRoster roster, CancellationToken ct)
    {
        using var span = FleetTelemetry.Source.StartActivity("source systemd dbus");
        var watch = Stopwatch.StartNew();
        var lingerFile = Path.Combine(roster.Systemd.LingerDirectory, Environment.UserName);
        bool? linger = roster.Systemd.Scope == SystemdScope.User ? File.Exists(lingerFile) : null;
        var units = roster.Agents.Select(a => a.Unit).ToList();
        if (units.Count == 0)
            return SourceResult<SystemdObservation>.Success(SystemdSource.Name, new SystemdObservation(new Dictionary<string, UnitFacts>(), linger, lingerFile), watch.Elapsed);

        var now = clock.GetUtcNow();
        var cache = _unitFileStates.Snapshot();
        var refreshFileState = UnitFileStateCache.NeedsRefresh(cache, units, roster.Systemd.UnitFileStateMaxAge, now);
        span?.SetTag("fleet.units", units.Count);
        span?.SetTag("fleet.unit_file_state_refreshed", refreshFileState);

        string why;
        for (var attempt = 0; ; attempt++)
        {
            var (connecting, reused) = Connection(roster.Systemd.Scope);
            try
            {
                var connection = await connecting.WaitAsync(ct);
                var facts = await QueryAsync(connection, units, refreshFileState, cache, now).WaitAsync(ct);
                if (refreshFileState) _unitFileStates.Refreshed(facts, now);
                return SourceResult<SystemdObservation>.Success(SystemdSource.Name, new SystemdObservation(facts, linger, lingerFile), watch.Elapsed);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // A call still in flight would answer into a connection nobody reads: start afresh next time.
                Drop(connecting);
                throw;
            }
            catch (Exception e)
            {
                Drop(connecting);
                why = e.Message;
                // A connection that served before may have gone with a restarted manager: one fresh try.
                if (reused && attempt == 0) continue;
                break;
            }
        }

        span?.SetTag("fleet.dbus_fallback", why);
        var result = await fallback.ObserveAsync(roster, ct);
        return result with { Note = $"D-Bus failed ({why}); used systemctl" };
    }

    private (Task<DBusConnection> Connecting, bool Reused) Connection(SystemdScope scope)
    {
        var address = _address(scope);
        if (address is null)
            return (Task.FromException<DBusConnection>(new DBusConnectFailedException(
                "no D-Bus address for the systemd manager (no $XDG_RUNTIME_DIR/systemd/private, no $DBUS_SESSION_BUS_ADDRESS)")), false);
        return SystemdBusConnections.Get(address);
    }

    private static void Drop(Task<DBusConnection> connecting) => SystemdBusConnections.Drop(connecting);

    private static async Task<IReadOnlyDictionary<string, UnitFacts>> QueryAsync(
        DBusConnection connection, IReadOnlyList<string> units, bool refreshFileState,
        IReadOnlyDictionary<string, (string? State, DateTimeOffset At)> cache, DateTimeOffset now)
    {
        // Everything is written before anything is awaited: systemd answers in order, so this is one round trip.
        var states = connection.CallMethodAsync(ListUnitsByNames(connection, units), static (m, _) => ReadUnitStates(m), null);
        var pids = new Task<VariantValue?>[units.Count];
        var restarts = new Task<VariantValue?>[units.Count];
        var fileStates = refreshFileState ? new Task<VariantValue?>[units.Count] : null;
        for (var i = 0; i < units.Count; i++)
        {
            var path = SystemdBusAddress.UnitPath(units[i]);
            pids[i] = GetAsync(connection, path, ServiceInterface, "MainPID");
            restarts[i] = GetAsync(connection, path, ServiceInterface, "NRestarts");
            if (fileStates is not null) fileStates[i] = GetAsync(connection, path, UnitInterface, "UnitFileState");
        }
        var listed = await states;
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
        return facts;
    }

    private static MessageBuffer ListUnitsByNames(DBusConnection connection, IReadOnlyList<string> units)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Destination, path: "/org/freedesktop/systemd1",
            @interface: "org.freedesktop.systemd1.Manager", signature: "as", member: "ListUnitsByNames");
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
