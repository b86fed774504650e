using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>
/// A client that opens more connections than serve has file descriptors: serve under a 1024-descriptor limit (a user
/// manager's default) used to abort ("Out of memory.") at about a thousand idle connections.
/// </summary>
public sealed class ConnectionFloodTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Task<ServeProcess> ServeUnderAsync(string nofile) =>
        ServeProcess.LaunchAsync(["prlimit", $"--nofile={nofile}", "dotnet", FleetBinary.Dll, "serve", "--web.listen-address", "127.0.0.1:0",
            "--roster", _dir.Write("roster.yaml", "host: test-host\nruntimes:\n  sleeper: { commands: [sleep] }\nagents:\n  - { name: a1, runtime: sleeper }\n")], port: null);

    [Fact(Timeout = 120_000)]
    public async Task Serve_outlives_more_idle_connections_than_it_has_file_descriptors_and_answers_once_they_go()
    {
        await using var serve = await ServeUnderAsync("1024:1024");
        var clients = new List<TcpClient>();
        try
        {
            // This test process needs more than 1,500 descriptors of its own: .NET raises its soft limit to the hard one.
            for (var i = 0; i < 1500; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, serve.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n"));
                clients.Add(client);
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(Process.GetProcessById(serve.Pid).HasExited, serve.Output);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var metrics = await TmuxServer.EventuallyAsync(async () =>
        {
            try { return (await http.GetAsync(serve.Url + "/metrics")).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(30));
        Assert.True(metrics, serve.Output);
        Assert.DoesNotContain("Out of memory", serve.Output);
        Assert.DoesNotContain("rejected because the maximum number of concurrent connections", serve.Output);
    }

    public void Dispose() => _dir.Dispose();
}
