using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>A real Prometheus (Debian's /usr/bin/prometheus) on 127.0.0.1 with its own data directory.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Daemon _daemon;
    private readonly TempDirectory _dir;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    private PrometheusServer(Daemon daemon, TempDirectory dir, int port) { _daemon = daemon; _dir = dir; Port = port; }

    public static string Binary => "/usr/bin/prometheus";

    /// <summary>
    /// Starts Prometheus with the given configuration (YAML text) and waits until it is ready. <paramref name="flags"/>
    /// are added to the command line; with <c>--enable-feature=agent</c> it runs in agent mode (its own storage flag).
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string configYaml, IReadOnlyDictionary<string, string>? extraFiles = null, IReadOnlyList<string>? flags = null)
    {
        Assert.True(File.Exists(Binary), "Prometheus is not installed: run tests/run.sh, which installs Debian's prometheus package");
        var dir = new TempDirectory();
        var config = dir.Write("prometheus.yml", configYaml);
        foreach (var (name, content) in extraFiles ?? new Dictionary<string, string>()) dir.Write(name, content);
        var port = FreePort();
        try
        {
            var daemon = await Daemon.StartAsync(Binary,
                [$"--config.file={config}", (flags ?? []).Contains("--enable-feature=agent") ? $"--storage.agent.path={dir.File("data")}" : $"--storage.tsdb.path={dir.File("data")}",
                    $"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle", "--log.level=warn", .. flags ?? []],
                $"http://127.0.0.1:{port}/-/ready", dir.Path);
            return new PrometheusServer(daemon, dir, port);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Runs an instant PromQL query; returns (labels, value) per sample of a vector result.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var body = await Http.GetStringAsync($"{Url}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var doc = JsonDocument.Parse(body);
        var data = doc.RootElement.GetProperty("data");
        var result = new List<(IReadOnlyDictionary<string, string>, double)>();
        if (data.GetProperty("resultType").GetString() == "scalar")
        {
            result.Add((new Dictionary<string, string>(), ParseValue(data.GetProperty("result")[1].GetString()!)));
            return result;
        }
        foreach (var sample in data.GetProperty("result").EnumerateArray())
        {
            var labels = sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            result.Add((labels, ParseValue(sample.GetProperty("value")[1].GetString()!)));
        }
        return result;
    }

    /// <summary>Polls a query until the check passes or the time is up; returns the last result.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> WaitForAsync(
        string promql, Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> check, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = await QueryAsync(promql);
        while (!check(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            last = await QueryAsync(promql);
        }
        return last;
    }

    /// <summary>
    /// Waits until the rule group <paramref name="group"/> has been evaluated after <paramref name="after"/> (its
    /// <c>lastEvaluation</c> in /api/v1/rules), so that ALERTS holds its verdict on what Prometheus held then.
    /// </summary>
    public async Task WaitForEvaluationAsync(string group, DateTimeOffset after, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        DateTimeOffset? last = null;
        do
        {
            using var doc = JsonDocument.Parse(await Http.GetStringAsync($"{Url}/api/v1/rules"));
            last = doc.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                .Where(g => g.GetProperty("name").GetString() == group)
                .Select(g => (DateTimeOffset?)g.GetProperty("lastEvaluation").GetDateTimeOffset()).SingleOrDefault();
            if (last > after) return;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"rule group {group} not evaluated after {after:O} within {within.TotalSeconds} s (last {last:O})");
    }

    private static double ParseValue(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A port free on 127.0.0.1 now, for a server started next. It is taken below the kernel's ephemeral range
    /// (32768 and up), where the outgoing connections of every other test would otherwise take it between this
    /// check and the bind ("Address already in use", seen in a full run).
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException) { }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool _disposed;

    /// <summary>Stops it (a test may stop it early; the second call does nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _daemon.DisposeAsync();
        _dir.Dispose();
    }
}
