using FleetExporter.Roster;
using Tmds.DBus.Protocol;

namespace FleetExporter.Sources.Systemd;

/// <summary>
/// Where systemctl talks to a manager: for user scope the user manager's private socket
/// (<c>$XDG_RUNTIME_DIR/systemd/private</c>, peer to peer, no bus daemon), else the user bus; for system scope
/// the system manager's private socket when root, else the system bus. Read from the environment at each connect.
/// </summary>
public static class SystemdBusAddress
{
    public static string? For(SystemdScope scope)
    {
        if (scope == SystemdScope.System)
            return Environment.UserName == "root" && File.Exists("/run/systemd/private")
                ? "unix:path=/run/systemd/private"
                : DBusAddress.System;
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (runtime is { Length: > 0 } && File.Exists(Path.Combine(runtime, "systemd", "private")))
            return "unix:path=" + Path.Combine(runtime, "systemd", "private");
        if (Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } session)
            return session;
        return runtime is { Length: > 0 } && File.Exists(Path.Combine(runtime, "bus"))
            ? "unix:path=" + Path.Combine(runtime, "bus")
            : null;
    }

    /// <summary>The socket's path when <paramref name="address"/> is a systemd manager's private socket (as <see cref="For"/> names it), else null.</summary>
    public static string? PrivateSocketPath(string address) =>
        address.StartsWith("unix:path=", StringComparison.Ordinal) && address.EndsWith("/systemd/private", StringComparison.Ordinal)
            ? address["unix:path=".Length..]
            : null;

    /// <summary>systemd's object path of a unit (sd-bus label escaping: <c>_XX</c> for every byte but letters, and digits after the first).</summary>
    public static string UnitPath(string unit)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(unit);
        var sb = new System.Text.StringBuilder("/org/freedesktop/systemd1/unit/", 31 + bytes.Length * 3);
        if (bytes.Length == 0) return sb.Append('_').ToString();
        for (var i = 0; i < bytes.Length; i++)
        {
            var c = bytes[i];
            if (c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' || (i > 0 && c is >= (byte)'0' and <= (byte)'9'))
                sb.Append((char)c);
            else
                sb.Append('_').Append("0123456789abcdef"[c >> 4]).Append("0123456789abcdef"[c & 15]);
        }
        return sb.ToString();
    }
}
