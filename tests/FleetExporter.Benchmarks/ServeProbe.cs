using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace FleetExporter.Benchmarks;

/// <summary>HTTP scrape times and the resident memory of a real <c>fleet-exporter serve</c> process, and the agents whose token counts a scrape exported.</summary>
internal sealed record ServeFigures(double ScrapeP50Ms, double ScrapeP95Ms, long RssKiB, long BytesPlain, long BytesGzip, int AgentsWithTokens);

/// <summary>
/// A real <c>fleet-exporter serve</c> (<see cref="Exe"/>) on 127.0.0.1 port 0 with one size's roster, scraped as
/// Prometheus does (one at a time, <c>Accept-Encoding: gzip</c>), beside another when two are compared; stopped with
/// SIGINT at the end.
/// </summary>
internal sealed partial class ServeProbe : IAsyncDisposable
{
    private static readonly HttpClient Gzip = new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { Timeout = TimeSpan.FromMinutes(1) };
    private readonly Process _process;
    private readonly string _url;

    private ServeProbe(Process process, string url) => (_process, _url) = (process, url);

    /// <summary>The apphost measured: <c>FLEET_EXPORTER_EXE</c> (a published build, say), else the build output beside this benchmark.</summary>
    public static string Exe => Environment.GetEnvironmentVariable("FLEET_EXPORTER_EXE") is { Length: > 0 } other ? other : BuildOutput;

    /// <summary>
    /// What runs the agents' hooks and beats: <c>FLEET_EXPORTER_HOOK_EXE</c>, else the <c>fleet-exporter-hook</c> beside
    /// <see cref="Exe"/> (a publish puts it there, and <c>hooks install</c> picks it so), else <see cref="Exe"/> itself.
    /// </summary>
    public static string HookExe => Environment.GetEnvironmentVariable("FLEET_EXPORTER_HOOK_EXE") is { Length: > 0 } other ? other
        : FleetExporter.Agents.Install.HookBinary.Beside(Exe) ?? Exe;

    /// <summary>The JIT build copied beside the benchmark.</summary>
    public static string BuildOutput => Path.Combine(AppContext.BaseDirectory, "fleet-exporter");

    public int Pid => _process.Id;

    /// <param name="environment">NAME=VALUE settings for this serve alone (GC settings tried in a soak, say).</param>
    public static async Task<ServeProbe> StartAsync(string roster, IReadOnlyList<string>? environment = null)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = ["--default-signal=INT", .. environment ?? [], Exe, "serve", "--roster", roster, "--web.listen-address", "127.0.0.1:0"];
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            string text;
            lock (output) text = output.ToString();
            if (Serving().Match(text) is { Success: true } m) return new ServeProbe(process, $"http://127.0.0.1:{m.Groups[1].Value}/metrics");
            await Task.Delay(50);
        }
        if (!process.HasExited) process.Kill();
        lock (output) throw new InvalidOperationException($"fleet-exporter serve did not start:\n{output}");
    }

    [GeneratedRegex(@"serving http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex Serving();

    [GeneratedRegex(@"\bagent=""[^""]*""")]
    private static partial Regex AgentLabel();

    /// <summary>
    /// Each probe's warm-up scrape, then <paramref name="scrapes"/> of each, one at a time and taking turns (which goes
    /// first alternates), so a slow moment of the machine costs them alike; each one's RSS read after its last.
    /// </summary>
    /// <summary>
    /// The probes' scrapes taking turns, and after each round one run of <paramref name="floor"/> (its median comes
    /// back beside the figures), so that the ratio of scrape to floor compares the same minutes of the machine.
    /// </summary>
    public static async Task<(IReadOnlyList<ServeFigures> Figures, double FloorMs)> MeasureAsync(IReadOnlyList<ServeProbe> probes, int scrapes, Func<Task<double>> floor)
    {
        var floors = new List<double>();
        await floor(); // warm-up: the page cache
        var first = new List<(long Gzip, byte[] Plain)>();
        foreach (var probe in probes)
            first.Add(((await probe.ScrapeAsync(gzip: true)).Length, await probe.ScrapeAsync(gzip: false))); // warm-up; the first collection reads UnitFileState
        var walls = probes.Select(_ => new List<double>()).ToList();
        for (var i = 0; i < scrapes; i++)
        {
            for (var k = 0; k < probes.Count; k++)
            {
                var p = (i + k) % probes.Count;
                var watch = Stopwatch.StartNew();
                await probes[p].ScrapeAsync(gzip: true);
                walls[p].Add(watch.Elapsed.TotalMilliseconds);
            }
            floors.Add(await floor());
        }
        return ([.. probes.Select((probe, p) => new ServeFigures(Stats.Median(walls[p]), Stats.Percentile(walls[p], 0.95), probe.RssKiB(),
            first[p].Plain.Length, first[p].Gzip, AgentsWithTokens(first[p].Plain)))], Stats.Median(floors));
    }

    private static int AgentsWithTokens(byte[] page) =>
        System.Text.Encoding.UTF8.GetString(page).Split('\n')
            .Where(l => l.StartsWith("fleet_agent_tokens_total{", StringComparison.Ordinal))
            .Select(l => AgentLabel().Match(l).Value).Distinct().Count();

    /// <summary><paramref name="scrapes"/> more scrapes, <paramref name="concurrency"/> at a time, printing RSS five times on the way.</summary>
    public async Task SoakAsync(int scrapes, int concurrency)
    {
        var done = 0;
        var step = Math.Max(1, scrapes / 5);
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"soak: {scrapes} scrapes, {concurrency} at a time; rss before {RssKiB() / 1024.0:0} MiB");
        await Parallel.ForEachAsync(Enumerable.Range(0, scrapes), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, _) =>
        {
            await ScrapeAsync(gzip: true);
            var n = Interlocked.Increment(ref done);
            if (n % step == 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  after {n,6} scrapes ({watch.Elapsed.TotalSeconds,5:0} s): rss {RssKiB() / 1024.0:0} MiB (anonymous {Status("RssAnon") / 1024.0:0}), {Status("Threads")} threads"));
        });
    }

    private async Task<byte[]> ScrapeAsync(bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        if (gzip) request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await Gzip.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"scrape answered {(int)response.StatusCode}");
        return body;
    }

    public long RssKiB() => Status("VmRSS");

    /// <summary>A number from the serve process's /proc/PID/status (kB for sizes): VmRSS, RssAnon, Threads.</summary>
    private long Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
