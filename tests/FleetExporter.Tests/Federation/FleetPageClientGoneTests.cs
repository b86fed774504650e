using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Federation;

/// <summary>Work done for a <c>/fleet</c> client stops when the client leaves: its queries to Prometheus are dropped with it.</summary>
public sealed class FleetPageClientGoneTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_client_that_leaves_takes_the_pages_query_to_a_slow_prometheus_with_it()
    {
        // A Prometheus that reads each query and never answers; each connection's end is reported.
        using var prometheus = new TcpListener(IPAddress.Loopback, 0);
        prometheus.Start();
        var queried = new TaskCompletionSource();
        var dropped = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try { client = await prometheus.AcceptTcpClientAsync(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[65536];
                        var head = new StringBuilder();
                        try
                        {
                            int n;
                            while ((n = await stream.ReadAsync(buffer)) > 0)
                            {
                                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                                if (head.ToString().Contains("/api/v1/", StringComparison.Ordinal)) queried.TrySetResult();
                            }
                        }
                        catch (IOException) { }
                        dropped.TrySetResult();
                    }
                });
            }
        });
        using var dir = new TempDirectory();
        await using var serve = await ServeProcess.StartAsync("serve",
            ["--roster", dir.File("none.yaml"), "--prometheus.url", $"http://127.0.0.1:{((IPEndPoint)prometheus.LocalEndpoint).Port}"]);

        using (var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan })
        using (var leave = new CancellationTokenSource())
        {
            var page = http.GetAsync(serve.Url + "/fleet", leave.Token);
            await queried.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await leave.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => page);
        }

        // The exporter's own request timeout is far longer: only the client's leaving can end the query this soon.
        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(dropped.Task.IsCompletedSuccessfully);
    }
}
