using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

/// <summary>Basic auth against real bcrypt hashes on a real Kestrel port: what its timing tells, and what a flood costs.</summary>
public sealed class BasicAuthTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private WebConfig Users(int cost) =>
        WebConfig.Load(_dir.Write("web.yml", $"basic_auth_users:\n  prom: '{BCrypt.Net.BCrypt.HashPassword("s3cret", workFactor: cost)}'\n"));

    private async Task<(HttpStatusCode Status, double Ms)> GetAsync(InProcessExporter exporter, string path, string credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, exporter.Url(path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var watch = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, watch.Elapsed.TotalMilliseconds);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unknown_user_is_refused_in_the_same_time_as_a_wrong_password()
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir, Users(cost: 8));
        await GetAsync(exporter, "/-/healthy", "prom:warm-up");

        // Interleaved, so a slow moment of the machine costs both sides alike.
        var unknown = new List<double>();
        var wrong = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var u = await GetAsync(exporter, "/-/healthy", $"nobody{i}:s3cret");
            var w = await GetAsync(exporter, "/-/healthy", $"prom:wrong{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, u.Status);
            Assert.Equal(HttpStatusCode.Unauthorized, w.Status);
            unknown.Add(u.Ms);
            wrong.Add(w.Ms);
        }

        var ratio = Median(unknown) / Median(wrong);
        output.WriteLine($"median unknown user {Median(unknown):0.00} ms, wrong password {Median(wrong):0.00} ms");
        Assert.True(ratio is > 1.0 / 3 and < 3,
            $"median unknown user {Median(unknown):0.00} ms, wrong password {Median(wrong):0.00} ms: ratio {ratio:0.000}");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_flood_of_wrong_passwords_does_not_starve_a_valid_scrape()
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir, Users(cost: 10));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(exporter, "/metrics", "prom:s3cret")).Status);
        var baseline = new List<double>();
        for (var i = 0; i < 9; i++) baseline.Add((await GetAsync(exporter, "/metrics", "prom:s3cret")).Ms);

        using var stop = new CancellationTokenSource();
        var refused = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var flood = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (status, _) = await GetAsync(exporter, "/metrics", $"prom:guess-{c}-{i}");
                statuses.Add(status);
                Interlocked.Increment(ref refused);
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var during = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var (status, ms) = await GetAsync(exporter, "/metrics", "prom:s3cret");
            Assert.Equal(HttpStatusCode.OK, status);
            during.Add(ms);
        }
        stop.Cancel();
        await Task.WhenAll(flood);

        output.WriteLine($"valid scrape median {Median(baseline):0.0} ms alone, {Median(during):0.0} ms under 16 clients guessing ({refused} guesses, {statuses.Count(s => s == HttpStatusCode.TooManyRequests)} answered 429)");
        Assert.True(refused > 0, "the flood sent nothing");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{s}"));
        Assert.True(Median(during) < 3 * Median(baseline) + 50,
            $"a valid scrape's median went from {Median(baseline):0.0} ms to {Median(during):0.0} ms under 16 clients guessing ({refused} guesses)");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("basic")]
    [InlineData("BASIC")]
    public async Task The_scheme_name_is_case_insensitive(string scheme)
    {
        await using var exporter = await InProcessExporter.StartAsync(_dir, Users(cost: 4));
        var request = new HttpRequestMessage(HttpMethod.Get, exporter.Url("/-/healthy"));
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {Convert.ToBase64String("prom:s3cret"u8.ToArray())}");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }
}
