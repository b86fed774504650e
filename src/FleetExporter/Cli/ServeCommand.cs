using System.CommandLine;
using System.Runtime.InteropServices;
using FleetExporter.Logging;
using FleetExporter.Metrics;
using FleetExporter.Roster;
using FleetExporter.Web;
using FleetExporter.Web.SystemdService;

namespace FleetExporter.Cli;

/// <summary>
/// <c>fleet-exporter serve</c>: the Prometheus exporter. Collects at scrape time; nothing over HTTP acts on the fleet.
/// Flags, defaults and semantics are those of the Prometheus exporter-toolkit and promslog.
/// </summary>
public static class ServeCommand
{
    public static Option<string[]> ListenAddressOption { get; } = new("--web.listen-address")
    {
        Description = $"Address to listen on for the web interface and telemetry; repeat it to listen on several (the default port lies outside the exporters' 9100-9999 range)",
        DefaultValueFactory = _ => [ServeOptions.DefaultListenAddress],
        HelpName = "HOST:PORT",
    };

    public static Option<bool> SystemdSocketOption { get; } = new("--web.systemd-socket")
    {
        Description = "Use the sockets passed by systemd socket activation (a .socket unit) instead of --web.listen-address",
    };

    public static Option<string> TelemetryPathOption { get; } = new("--web.telemetry-path")
    {
        Description = "Path under which to expose metrics",
        DefaultValueFactory = _ => ServeOptions.DefaultTelemetryPath,
        HelpName = "PATH",
    };

    public static Option<string?> WebConfigOption { get; } = new("--web.config.file")
    {
        Description = "Exporter-toolkit web config (YAML): TLS and mTLS (tls_server_config), headers and HTTP/2 (http_server_config), basic auth (basic_auth_users)",
        HelpName = "FILE",
    };

    public static Option<string> LogLevelOption { get; } = Named("--log.level", "info", LogOptions.LevelNames,
        "Only log messages with the given severity or above", v => LogOptions.ParseLevel(v) is not null);

    public static Option<string> LogFormatOption { get; } = Named("--log.format", "logfmt", LogOptions.FormatNames,
        "Output format of log messages (stderr)", v => LogOptions.ParseFormat(v) is not null);

    private static Option<string> Named(string name, string fallback, IReadOnlyList<string> values, string description, Func<string, bool> valid)
    {
        var option = new Option<string>(name)
        {
            Description = $"{description}. One of: [{string.Join(", ", values)}]",
            DefaultValueFactory = _ => fallback,
            HelpName = string.Join('|', values),
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } v && !valid(v))
                result.AddError($"{name} \"{v}\": expected one of {string.Join(", ", values)}");
        });
        return option;
    }

    public static Option<string?> PrometheusUrlOption { get; } = new("--prometheus.url")
    {
        Description = "A Prometheus that scrapes every host's exporter: serve the fleet across hosts at /fleet, as `ps --prometheus` shows it",
        HelpName = "URL",
    };

    public static Option<string?> PrometheusHttpConfigOption { get; } = new("--prometheus.http.config.file")
    {
        Description = "With --prometheus.url: Prometheus http_config YAML for its API (basic_auth, authorization, tls_config), as promtool takes it",
        HelpName = "FILE",
    };

    /// <summary>node_exporter's <c>--collector.NAME</c> / <c>--no-collector.NAME</c>, one pair per collector a fleet may turn off.</summary>
    public static IReadOnlyList<(string Name, Option<bool> On, Option<bool> Off)> CollectorOptions { get; } =
        [.. Fleet.FleetSources.Optional.Select(c => (c.Name,
            new Option<bool>($"--collector.{c.Name}") { Description = $"Enable the {c.Name} collector (default: enabled)" },
            new Option<bool>($"--no-collector.{c.Name}") { Description = $"Disable the {c.Name} collector: saves {c.Loses}" }))];

    /// <summary>The collectors the flags turn off; a collector both enabled and disabled is a usage error.</summary>
    private static IReadOnlyCollection<string> DisabledCollectors(ParseResult parse)
    {
        var both = CollectorOptions.FirstOrDefault(c => parse.GetValue(c.On) && parse.GetValue(c.Off));
        if (both.Name is not null) throw new FormatException($"--collector.{both.Name} and --no-collector.{both.Name} contradict each other");
        return [.. CollectorOptions.Where(c => parse.GetValue(c.Off)).Select(c => c.Name)];
    }

    public static Command Create()
    {
        var command = new Command("serve", "Serve the fleet's metrics for Prometheus (and over OTLP when OTEL_EXPORTER_OTLP_* is set)")
        {
            ListenAddressOption, SystemdSocketOption, TelemetryPathOption, WebConfigOption, LogLevelOption, LogFormatOption,
        };
        command.Options.Add(PrometheusUrlOption);
        command.Options.Add(PrometheusHttpConfigOption);
        foreach (var (_, on, off) in CollectorOptions)
        {
            command.Options.Add(on);
            command.Options.Add(off);
        }
        command.SetAction(async (parse, ct) =>
        {
            var rosterPath = CommonOptions.RosterPath(parse);
            if (Path.Exists(rosterPath))
            {
                // A roster that is bad at start-up (a directory, a FIFO and a device too) is refused; one that turns
                // bad later keeps the last good one.
                try { RosterLoader.LoadFile(rosterPath); }
                catch (RosterException e)
                {
                    Console.Error.WriteLine($"fleet-exporter: roster error: {e.Message}");
                    return ExitCodes.Usage;
                }
            }
            var options = new ServeOptions(parse.GetValue(ListenAddressOption)!, parse.GetValue(TelemetryPathOption)!, parse.GetValue(WebConfigOption), rosterPath)
            {
                SystemdSocket = parse.GetValue(SystemdSocketOption),
                Log = new LogOptions(LogOptions.ParseLevel(parse.GetValue(LogLevelOption)!)!.Value, LogOptions.ParseFormat(parse.GetValue(LogFormatOption)!)!.Value),
            };
            try { options = WithPrometheus(options, parse) with { DisabledCollectors = DisabledCollectors(parse) }; }
            catch (Exception e) when (e is FormatException or Federation.HttpConfigException)
            {
                Console.Error.WriteLine($"fleet-exporter: {e.Message.Replace("--prometheus ", "--prometheus.url ", StringComparison.Ordinal)}");
                return ExitCodes.Usage;
            }
            return await RunAsync(options, banner: null, ct);
        });
        return command;
    }

    /// <summary>The /fleet page's Prometheus, validated at start-up like every other flag.</summary>
    private static ServeOptions WithPrometheus(ServeOptions options, ParseResult parse)
    {
        var file = parse.GetValue(PrometheusHttpConfigOption);
        if (parse.GetValue(PrometheusUrlOption) is not { Length: > 0 } url)
            return file is null ? options : throw new FormatException("--prometheus.http.config.file needs --prometheus.url");
        return options with
        {
            PrometheusUrl = Federation.PrometheusApi.ParseUrl(url),
            PrometheusHttp = file is null ? Federation.PrometheusHttpConfig.None : Federation.PrometheusHttpConfig.Load(file),
        };
    }

    /// <summary>
    /// Validates the web flags, builds the app, runs the first collection (then <c>/-/ready</c> answers 200 and a
    /// Type=notify unit is told READY=1) and serves until cancelled; shared with <c>demo</c>. Refusals before
    /// serving are one plain line, as every command's errors; once serving, records follow <c>--log.format</c>.
    /// </summary>
    public static async Task<int> RunAsync(ServeOptions options, Action<WebApplication>? banner, CancellationToken ct)
    {
        Web.NativeHeap.FixThresholds();
        if (!options.TelemetryPath.StartsWith('/') || options.TelemetryPath == "/")
        {
            Console.Error.WriteLine($"fleet-exporter: --web.telemetry-path {Text.Printable.Quote(options.TelemetryPath)}: must start with '/' and not be '/'");
            return ExitCodes.Usage;
        }
        // A path the exporter already answers on would never serve the metrics.
        if (Web.ExporterApp.OwnPaths.FirstOrDefault(p => string.Equals(p, options.TelemetryPath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            Console.Error.WriteLine($"fleet-exporter: --web.telemetry-path {Text.Printable.Quote(options.TelemetryPath)}: {taken} is the exporter's own page; choose another path");
            return ExitCodes.Usage;
        }
        WebConfig webConfig;
        try
        {
            foreach (var address in options.ListenAddresses) ListenAddress.Parse(address);
            webConfig = options.WebConfigFile is { } file ? WebConfig.Load(file) : WebConfig.None;
        }
        catch (Exception e) when (e is FormatException or WebConfigException)
        {
            Console.Error.WriteLine($"fleet-exporter: {e.Message}");
            return ExitCodes.Usage;
        }

        WebApplication app;
        try
        {
            app = ExporterApp.Build(options, webConfig);
            await app.StartAsync(ct);
        }
        catch (SocketActivationException e)
        {
            Console.Error.WriteLine($"fleet-exporter: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"fleet-exporter: cannot serve on {options.Describe()}: {e.Message}");
            return ExitCodes.Failed;
        }
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("serve");
        // SIGHUP (a closed terminal, `systemctl reload`, `kill -HUP`) ended serve with exit 129, which systemd's
        // Restart=on-failure takes for a clean stop. Nothing needs reloading: the roster is read again whenever it changes.
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            log.LogInformation("SIGHUP received and ignored: the roster is read again whenever it changes; the web config is read at start");
        });
        log.LogInformation("starting fleet-exporter {Version}", typeof(ServeCommand).Assembly.GetName().Version?.ToString(3));
        if (!Path.Exists(options.RosterPath))
            log.LogWarning("no roster at {Roster}: serving an empty fleet (collector roster 0). Create it (see README \"The roster\") and it is read at the next scrape.", options.RosterPath);
        foreach (var warning in webConfig.Warnings) log.LogWarning("web config: {Warning}", warning);
        foreach (var url in app.Urls)
            log.LogInformation("serving {Url} (roster {Roster})", url.TrimEnd('/') + options.TelemetryPath, options.RosterPath);
        banner?.Invoke(app);

        var readiness = new Readiness();
        try
        {
            try
            {
                var first = await app.Services.GetRequiredService<ScrapeCollector>().CollectAsync(ScrapeBudget.Default).WaitAsync(ct);
                log.LogInformation("ready: first collection done in {DurationSeconds} s, {Agents} agents", Math.Round(first.Duration.TotalSeconds, 3), first.Agents.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Sources that fail are reported by the collection itself; this is a collection that threw. /-/ready
                // stays 503 until a scrape's collection completes, but the unit starts: it listens and says why.
                log.LogError(e, "first collection failed; /-/ready answers 503 until one completes");
            }
            readiness.Ready($"serving {options.Describe()}");
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) { }
        readiness.Stopping();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return ExitCodes.Ok;
    }
}
