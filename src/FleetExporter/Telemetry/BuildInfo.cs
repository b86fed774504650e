using System.Reflection;

namespace FleetExporter.Telemetry;

public static class BuildInfo
{
    /// <summary>Version and source revision, as <c>--version</c> prints them (<c>0.1.0+COMMIT</c>).</summary>
    public static string Informational { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The release version, without the source revision suffix.</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The git commit the binary was built from, or "unknown".</summary>
    public static string Revision => Informational.Contains('+') ? Informational.Split('+')[1] : "unknown";
}
