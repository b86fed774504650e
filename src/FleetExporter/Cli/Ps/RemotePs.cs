using System.CommandLine;
using System.Text.Json;
using FleetExporter.Federation;

namespace FleetExporter.Cli.Ps;

/// <summary>
/// <c>ps --prometheus URL</c>: the same table and JSON as local <c>ps</c>, for every host and tenant a Prometheus knows,
/// from instant queries of the exported series; no roster is read. Hosts whose exporter is down, absent or stale are
/// rows flagged so, never missing. Exit 0 when every fact is known, 6 when some are not, 7 when Prometheus could not
/// be asked, 2 for a bad URL or <c>--http.config.file</c>.
/// </summary>
public static class RemotePs
{
    public const string UrlVariable = "FLEET_PROMETHEUS_URL";

    public static Option<string?> Url { get; } = new("--prometheus")
    {
        Description = $"Show every host's agents from this Prometheus (its HTTP API) instead of this host's (default ${UrlVariable})",
        HelpName = "URL",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null,
    };

    public static Option<string?> HttpConfig { get; } = new("--http.config.file")
    {
        Description = "With --prometheus: Prometheus http_config YAML for its API (basic_auth, authorization, bearer_token(_file), tls_config), as promtool and amtool take it",
        HelpName = "FILE",
    };

    public static Option<string> Lookback { get; } = new("--lookback")
    {
        Description = "With --prometheus: how long a host that stopped reporting is still shown (as down, absent or stale)",
        DefaultValueFactory = _ => "1h",
        HelpName = "DURATION",
    };

    public static Option<string[]> Tenant { get; } = Filter("--tenant", "only these tenants");
    public static Option<string[]> Host { get; } = Filter("--host", "only these hosts");
    public static Option<string[]> Agent { get; } = Filter("--agent", "only these agents");
    public static Option<string[]> Flag { get; } = Filter("--flag", "only agents with one of these flags raised (e.g. HB-STALE, EXPORTER-DOWN)");

    private static Option<string[]> Filter(string name, string what) => new(name)
    {
        Description = $"With --prometheus: {what}; repeatable",
        AllowMultipleArgumentsPerToken = false,
        HelpName = name.TrimStart('-').ToUpperInvariant(),
    };

    public static IEnumerable<Option> Options => [Url, HttpConfig, Lookback, Tenant, Host, Agent, Flag];

    public static bool Requested(ParseResult parse) => parse.GetValue(Url) is { Length: > 0 };

    /// <summary>The first option given that means something only with <c>--prometheus</c>, or null.</summary>
    public static string? OnlyWithUrl(ParseResult parse) =>
        new Option[] { HttpConfig, Lookback, Tenant, Host, Agent, Flag }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false })?.Name;

    public static async Task<int> RunAsync(ParseResult parse, bool json, CancellationToken ct)
    {
        Uri url;
        PrometheusHttpConfig config;
        TimeSpan lookback;
        try
        {
            url = PrometheusApi.ParseUrl(parse.GetValue(Url)!);
            config = parse.GetValue(HttpConfig) is { } file ? PrometheusHttpConfig.Load(file) : PrometheusHttpConfig.None;
            if (!Roster.Durations.TryParse(parse.GetValue(Lookback)!, out lookback) || lookback < FleetAnswers.RecentWindow)
                throw new FormatException($"--lookback \"{parse.GetValue(Lookback)}\": expected a duration of at least 5m (e.g. 1h)");
        }
        catch (Exception e) when (e is FormatException or HttpConfigException)
        {
            Console.Error.WriteLine($"fleet-exporter: {e.Message}");
            return ExitCodes.Usage;
        }

        RemoteFleetView view;
        try
        {
            using var api = new PrometheusApi(url, config);
            var answers = await FleetAnswers.LoadAsync(api, DateTimeOffset.UtcNow, lookback, ct);
            view = RemoteFleetMapper.Map(answers, HostHealthClassifier.Classify(answers), url.ToString());
        }
        catch (PrometheusException e)
        {
            Console.Error.WriteLine($"fleet-exporter: {e.Message}");
            return ExitCodes.PrometheusUnavailable;
        }
        view = new RemoteFilter(parse.GetValue(Tenant) ?? [], parse.GetValue(Host) ?? [], parse.GetValue(Agent) ?? [], parse.GetValue(Flag) ?? []).Apply(view);

        if (json)
        {
            var list = view.Snapshot.Agents.Select(a => AgentJson.From(a, view.ForHost(a.Host))).ToList();
            Console.Out.WriteLine(JsonSerializer.Serialize(list, PsJsonContext.Default.ListAgentJson));
        }
        else
        {
            var colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var rows = PsRow.From(view.Snapshot);
            Console.Out.Write(PsTable.Render(rows, colour, PsCommand.OutputWidth()));
            Console.Error.WriteLine(Glance.Attention.Summary(rows.Select(r => (r.Flags, r.State)).ToList()));
        }
        foreach (var line in PsTable.Warnings(view.Snapshot, PsCommand.OutputWidth() ?? PsTable.Width)) Console.Error.WriteLine(line);
        return view.HasUnknown ? ExitCodes.FactsUnknown : ExitCodes.Ok;
    }
}
