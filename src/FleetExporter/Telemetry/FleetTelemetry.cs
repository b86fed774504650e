using System.Diagnostics;

namespace FleetExporter.Telemetry;

/// <summary>The one ActivitySource: a span per collection and per source call.</summary>
public static class FleetTelemetry
{
    public const string Name = "FleetExporter";
    public static readonly ActivitySource Source = new(Name, BuildInfo.Version);
}
