using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Hostile;

/// <summary>
/// <c>ps --prometheus</c> against a loopback server that answers what no Prometheus would: each is exit 7 with one
/// line naming the URL, never a trace, never the memory filled.
/// </summary>
public sealed class HostilePrometheusTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    private const string VectorStart = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":";

    /// <summary>Case name → (what the server writes after the head, endlessly repeating its last part; what stderr must say).</summary>
    private static readonly Dictionary<string, (string Start, string? Repeat, string Says)> Cases = new()
    {
        ["a body without end"] = (VectorStart + "[{\"metric\":{\"a\":\"", new string('x', 1 << 16), "answered more than 64 MiB for /api/v1/query"),
        ["JSON nested 100000 deep"] = (VectorStart + new string('[', 100_000), null, "not a Prometheus API answer"),
        ["no JSON"] = ("<html>hello</html>", null, "not a Prometheus API answer"),
        ["an error with OSC 52 in it"] = ("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"\\u001b]52;c;aGk=\\u0007" + new string('e', 100_000) + "\"}", null,
            "query failed: bad_data: \\x1b]52;c;aGk=\\x07eee"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(CaseNames))]
    public async Task A_hostile_answer_is_exit_7_with_one_plain_line(string name)
    {
        var (start, repeat, says) = Cases[name];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, Encoding.UTF8.GetBytes(Head + start), repeat is null ? null : Encoding.UTF8.GetBytes(repeat), stop.Token);

        var r = await FleetBinary.RunAsync(["ps", "--prometheus", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"],
            timeout: TimeSpan.FromSeconds(60), env: new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" });
        await stop.CancelAsync();
        listener.Stop();
        await server;

        Assert.True(r.ExitCode == 7, $"exit {r.ExitCode}: {r.StandardError[..Math.Min(800, r.StandardError.Length)]}");
        Assert.StartsWith("fleet-exporter: ", r.StandardError);
        Assert.Contains(says, r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.DoesNotContain(r.StandardError, c => char.IsControl(c) && c != '\n');
        Assert.True(r.StandardError.Length < 1100, $"{r.StandardError.Length} characters");
    }

    /// <summary>Reads until the blank line that ends the request's head (a GET has no body).</summary>
    private static async Task ReadRequestHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0) return;
            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    /// <summary>Answers every connection with <paramref name="start"/>, then <paramref name="repeat"/> until the client leaves.</summary>
    private static async Task ServeAsync(TcpListener listener, byte[] start, byte[]? repeat, CancellationToken ct)
    {
        var clients = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                clients.Add(Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            await ReadRequestHeadAsync(stream, ct);
                            await stream.WriteAsync(start, ct);
                            while (repeat is not null) await stream.WriteAsync(repeat, ct);
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
                    }
                }, CancellationToken.None));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        await Task.WhenAll(clients);
    }
}
