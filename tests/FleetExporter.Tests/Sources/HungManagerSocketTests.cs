using System.Net.Sockets;
using FleetExporter.Roster;
using FleetExporter.Sources.Systemd;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Sources;

/// <summary>
/// A systemd manager that hangs (kill -STOP) still lets the kernel accept connections on its socket, and never
/// answers them: each scrape's connection must be closed when the scrape gives up, not when the manager wakes.
/// </summary>
public sealed class HungManagerSocketTests
{
    [Fact(Timeout = 60_000)]
    public async Task Every_connection_to_a_manager_that_never_answers_is_closed_when_its_scrape_gives_up()
    {
        using var dir = new TempDirectory();
        var path = dir.File("systemd/private");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var hung = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        hung.Bind(new UnixDomainSocketEndPoint(path));
        hung.Listen(64);   // never accepts, never answers: what a stopped manager's socket does
        var roster = RosterLoader.Parse("""
            agents: [ { name: a1, runtime: claude } ]
            """, dir.File("roster.yaml"));
        var source = new SystemdBusSource(TimeProvider.System, new SystemdSource(TimeProvider.System), _ => "unix:path=" + path);

        for (var scrape = 0; scrape < 8; scrape++)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.ReadAsync(new FleetExporter.Sources.SourceInput(roster), deadline.Token));
        }

        // Every connection the scrapes made is waiting in the backlog: each must have been closed by its client.
        var connections = new List<Socket>();
        hung.Blocking = false;
        try
        {
            while (true) connections.Add(hung.Accept());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock) { }
        Assert.InRange(connections.Count, 8, 16);
        var open = 0;
        foreach (var c in connections)
        {
            // Closed by the peer: readable, and a read returns 0 once what it sent (the handshake) is drained.
            c.ReceiveTimeout = 2000;
            var buffer = new byte[4096];
            try
            {
                while (c.Receive(buffer) > 0) { }
            }
            catch (SocketException) { open++; }
            c.Dispose();
        }
        Assert.Equal(0, open);
    }
}
