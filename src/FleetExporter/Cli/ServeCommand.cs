using System.CommandLine;
using FleetExporter.Roster;
using FleetExporter.Web;

namespace FleetExporter.Cli;

/// <summary><c>fleet-exporter serve</c>: the Prometheus exporter. Collects at scrape time; nothing over HTTP acts on the fleet.</summary>
public static class ServeCommand
{
    public static Option<string> ListenAddressOption { get; } = new("--web.listen-address")
    {
        Description = $"Address to listen on for the web interface and telemetry (default {ServeOptions.DefaultListenAddress}, outside the exporters' 9100-9999 range)",
        DefaultValueFactory = _ => ServeOptions.DefaultListenAddress,
        HelpName = "HOST:PORT",
    };

    public static Option<string> TelemetryPathOption { get; } = new("--web.telemetry-path")
    {
        Description = "Path under which to expose metrics",
        DefaultValueFactory = _ => ServeOptions.DefaultTelemetryPath,
        HelpName = "PATH",
    };

    public static Option<string?> WebConfigOption { get; } = new("--web.config.file")
    {
        Description = "Exporter-toolkit web config (YAML) enabling TLS (tls_server_config) and/or basic auth (basic_auth_users)",
        HelpName = "FILE",
    };

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

    public static Command Create()
    {
        var command = new Command("serve", "Serve the fleet's metrics for Prometheus (and over OTLP when OTEL_EXPORTER_OTLP_* is set)")
        {
            ListenAddressOption, TelemetryPathOption, WebConfigOption,
        };
        command.Options.Add(PrometheusUrlOption);
        command.Options.Add(PrometheusHttpConfigOption);
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
            else
            {
                Console.Error.WriteLine($"fleet-exporter: no roster at {rosterPath}: serving an empty fleet (collector roster 0). " +
                    "Create it (see README \"The roster\") and it is read at the next scrape.");
            }
            var options = new ServeOptions(parse.GetValue(ListenAddressOption)!, parse.GetValue(TelemetryPathOption)!, parse.GetValue(WebConfigOption), rosterPath);
            try { options = WithPrometheus(options, parse); }
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

    /// <summary>Validates the web flags, builds the app and runs it until cancelled; shared with <c>demo</c>.</summary>
    public static async Task<int> RunAsync(ServeOptions options, Action<WebApplication>? banner, CancellationToken ct)
    {
        if (!options.TelemetryPath.StartsWith('/') || options.TelemetryPath == "/")
        {
            Console.Error.WriteLine($"fleet-exporter: --web.telemetry-path \"{options.TelemetryPath}\": must start with '/' and not be '/'");
            return ExitCodes.Usage;
        }
        WebConfig webConfig;
        try
        {
            ListenAddress.Parse(options.ListenAddress);
            webConfig = options.WebConfigFile is { } file ? WebConfig.Load(file) : new WebConfig(null, null, new Dictionary<string, string>());
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"fleet-exporter: cannot serve on {options.ListenAddress}: {e.Message}");
            return ExitCodes.Failed;
        }
        foreach (var url in app.Urls)
            Console.Error.WriteLine($"fleet-exporter: serving {url}{options.TelemetryPath} (roster {options.RosterPath})");
        banner?.Invoke(app);
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return ExitCodes.Ok;
    }
}
