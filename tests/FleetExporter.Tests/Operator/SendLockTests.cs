using FleetExporter.Operator;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Operator;

/// <summary>One send at a time per agent: the lock file, as every sender of a roster finds it.</summary>
public sealed class SendLockTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_second_sender_waits_while_the_first_holds_the_lock_and_gives_up_after_its_patience()
    {
        using var dir = new TempDirectory();
        var path = SendLock.PathFor(dir.File("hb"), "a1");

        using (var first = await SendLock.TakeAsync(path, TimeSpan.Zero, CancellationToken.None))
        {
            Assert.NotNull(first);
            var second = await SendLock.TakeAsync(path, TimeSpan.FromMilliseconds(300), CancellationToken.None);
            Assert.Null(second);
        }
        using var after = await SendLock.TakeAsync(path, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(after);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_symlink_planted_at_the_lock_is_refused_and_its_target_never_made()
    {
        using var dir = new TempDirectory();
        var path = SendLock.PathFor(dir.File("hb"), "a1");
        Directory.CreateDirectory(dir.File("hb"));
        File.CreateSymbolicLink(path, dir.File("elsewhere"));

        var e = await Assert.ThrowsAsync<IOException>(() => SendLock.TakeAsync(path, TimeSpan.Zero, CancellationToken.None));

        Assert.Contains("symbolic link", e.Message);
        Assert.False(File.Exists(dir.File("elsewhere")));
    }
}
