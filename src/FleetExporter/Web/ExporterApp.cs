using System.Security.Cryptography.X509Certificates;
using FleetExporter.Fleet;
using FleetExporter.Logging;
using FleetExporter.Metrics;
using FleetExporter.Otlp;
using FleetExporter.Telemetry;
using FleetExporter.Web.SystemdService;
using FleetExporter.Web.Tls;
using Prometheus;

namespace FleetExporter.Web;

/// <summary>
/// The web composition of <c>serve</c>, kept out of the CLI so tests can host it. Read-only by construction:
/// GET and HEAD only, and no route acts on the fleet.
/// </summary>
public static class ExporterApp
{
    /// <summary>Every page answers HEAD as it answers GET; Kestrel sends no body for HEAD.</summary>
    internal static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>The paths the exporter answers on besides the metrics (which must not take one of them).</summary>
    public static readonly IReadOnlyList<string> OwnPaths = ["/-/healthy", "/-/ready", FleetPage.Path];

    /// <summary>
    /// Builds the app on the listen addresses, or with <see cref="ServeOptions.SystemdSocket"/> on the sockets systemd
    /// passed (taken here, once: <see cref="SocketActivationException"/> when there are none).
    /// </summary>
    public static WebApplication Build(ServeOptions options, WebConfig webConfig, FleetJoin? join = null)
    {
        var listen = options.ListenAddresses.Select(ListenAddress.Parse).ToList();
        var sockets = options.SystemdSocket ? SocketActivation.Take() : [];
        var live = options.WebConfigFile is { } file ? LiveWebConfig.Watching(file, webConfig) : LiveWebConfig.Fixed(webConfig);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        ConfigureLogging(builder.Logging, options.Log);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections = OpenFileLimit.MaxConnections(OpenFileLimit.Soft());
            void Endpoint(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions o)
            {
                if (webConfig.Tls is { } tls) KestrelTls.Apply(o, tls, webConfig.Http, live);
                else if (webConfig.CertFile is { } cert) o.UseHttps(X509Certificate2.CreateFromPemFile(cert, webConfig.KeyFile));
            }
            // As the exporter-toolkit: the systemd sockets instead of the addresses, not beside them.
            if (options.SystemdSocket)
            {
                foreach (var fd in sockets) kestrel.ListenHandle((ulong)fd, Endpoint);
                return;
            }
            foreach (var address in listen)
            {
                if (address.Localhost) kestrel.ListenLocalhost(address.Port, Endpoint);
                else if (address.Address is { } ip) kestrel.Listen(ip, address.Port, Endpoint);
                else kestrel.ListenAnyIP(address.Port, Endpoint);
            }
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(webConfig);
        builder.Services.AddSingleton(live);
        builder.Services.AddSingleton(new RosterProvider(options.RosterPath));
        builder.Services.AddSingleton(join ?? FleetJoin.CreateDefault(disabled: options.DisabledCollectors));
        builder.Services.AddSingleton<FleetMetrics>();
        builder.Services.AddSingleton<ScrapeCollector>();
        builder.Services.AddFleetOpenTelemetry();
        if (options.PrometheusUrl is { } prometheus) builder.Services.AddSingleton(new Federation.PrometheusApi(prometheus, options.PrometheusHttp));

        var app = builder.Build();
        live.Log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("web");
        app.UseErrorGuard();
        app.UseConfiguredHeaders(webConfig.Http);
        app.UseRateLimit(webConfig.RateLimit);
        app.UseReadOnly();
        app.UseBasicAuth(live, reloadable: options.WebConfigFile is not null);
        app.MapLandingPage();
        if (options.PrometheusUrl is not null) app.MapFleetPage();
        app.MapHealth();
        app.MapFleetMetrics(options.TelemetryPath);
        return app;
    }

    /// <summary>Nothing over HTTP may change the fleet: every other method is 405.</summary>
    private static void UseReadOnly(this WebApplication app) =>
        app.Use(async (ctx, next) =>
        {
            if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
            {
                ctx.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                ctx.Response.Headers.Allow = "GET, HEAD";
                return;
            }
            await next();
        });

    /// <summary>
    /// <c>/-/healthy</c>: the process answers. <c>/-/ready</c>: a collection has completed, so a scrape returns the
    /// fleet (<c>serve</c> runs the first one at start-up; until it ends, 503).
    /// </summary>
    private static void MapHealth(this WebApplication app)
    {
        var collector = app.Services.GetRequiredService<ScrapeCollector>();
        app.MapMethods("/-/healthy", GetAndHead, () => Results.Text("OK\n"));
        app.MapMethods("/-/ready", GetAndHead, () => collector.Last is null
            ? Results.Text("not ready: the first collection has not completed\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("OK\n"));
    }

    /// <summary>
    /// One line per record on stderr in <c>--log.format</c>, from <c>--log.level</c> up. The framework's own records
    /// only from warn (from info at debug: requests, listeners); a bind failure is reported once by the command.
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging, LogOptions log)
    {
        logging.ClearProviders();
        logging.AddProvider(new LineLoggerProvider(log.Format, Console.Error));
        logging.SetMinimumLevel(log.Level);
        logging.AddFilter("Microsoft", log.Level <= LogLevel.Debug ? LogLevel.Information : (LogLevel)Math.Max((int)log.Level, (int)LogLevel.Warning));
        logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        // One warning per connection refused over the cap: a client holding connections would flood the journal.
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", log.Level <= LogLevel.Debug ? LogLevel.Debug : LogLevel.Error);
    }
}
