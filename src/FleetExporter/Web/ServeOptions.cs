using FleetExporter.Logging;

namespace FleetExporter.Web;

/// <summary>How <c>serve</c> listens and what it serves; flags in the Prometheus exporters' style.</summary>
public sealed record ServeOptions(IReadOnlyList<string> ListenAddresses, string TelemetryPath, string? WebConfigFile, string RosterPath)
{
    /// <summary>The Prometheus whose view of every host <c>/fleet</c> shows (<c>--prometheus.url</c>); null: no such page.</summary>
    public Uri? PrometheusUrl { get; init; }

    /// <summary>How to reach that Prometheus (<c>--prometheus.http.config.file</c>).</summary>
    public Federation.PrometheusHttpConfig PrometheusHttp { get; init; } = Federation.PrometheusHttpConfig.None;

    /// <summary>Outside the 9100–9999 range allocated to exporters, so it collides with none of them.</summary>
    public const int DefaultPort = 8497;
    public const string DefaultListenAddress = ":8497";
    public const string DefaultTelemetryPath = "/metrics";

    public ServeOptions(string listenAddress, string telemetryPath, string? webConfigFile, string rosterPath)
        : this([listenAddress], telemetryPath, webConfigFile, rosterPath) { }

    /// <summary><c>--web.systemd-socket</c>: serve on the sockets systemd passed (LISTEN_FDS) instead of the listen addresses.</summary>
    public bool SystemdSocket { get; init; }

    public LogOptions Log { get; init; } = LogOptions.Default;

    /// <summary>Collectors turned off with <c>--no-collector.NAME</c>.</summary>
    public IReadOnlyCollection<string> DisabledCollectors { get; init; } = [];

    /// <summary>What the listeners are, for messages: the addresses, or the systemd sockets.</summary>
    public string Describe() => SystemdSocket ? "the systemd sockets" : string.Join(", ", ListenAddresses);
}

/// <summary>
/// The time a collection may take, from the timeout Prometheus sends with each scrape, never more than
/// <see cref="Default"/>: a collection is shared by every scrape and page that comes while it runs, so one client
/// asking for 300 s (while a source hangs) would hold them all for as long.
/// </summary>
public static class ScrapeBudget
{
    public const string Header = "X-Prometheus-Scrape-Timeout-Seconds";
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <summary>Margin kept for writing the response, so the scrape itself does not time out.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    public static TimeSpan FromHeader(string? value)
    {
        if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || double.IsNaN(seconds) || seconds <= 0)
            return Default;
        var budget = TimeSpan.FromSeconds(Math.Min(seconds, Default.TotalSeconds)) - Margin;
        return budget < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : budget;
    }
}
