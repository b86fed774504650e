using FleetExporter.Agents.Install;
using FleetExporter.Files;
using FleetExporter.Heartbeats;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Agents;

/// <summary>
/// Files the product writes for the user: a backup is never overwritten (the first keeps what the user had before any
/// of our writes), a link planted where a backup or a temporary file goes is never written through, and a private
/// file stays private.
/// </summary>
public sealed class SettingsFileWriterTests
{
    [Fact]
    public void Each_write_keeps_the_previous_file_under_the_next_free_backup_name()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("settings.json", "// the user's own comments\n{}\n");

        var first = SettingsFileWriter.Replace(path, "{\"hooks\":{}}\n");
        var second = SettingsFileWriter.Replace(path, "{}\n");

        Assert.Equal(path + ".bak", first);
        Assert.Equal(path + ".bak.1", second);
        Assert.Equal("// the user's own comments\n{}\n", File.ReadAllText(path + ".bak"));
        Assert.Equal("{\"hooks\":{}}\n", File.ReadAllText(path + ".bak.1"));
        Assert.Equal("{}\n", File.ReadAllText(path));
        Assert.Null(SettingsFileWriter.Replace(dir.File("new.json"), "{}\n"));
    }

    [Fact]
    public void A_link_planted_at_the_backup_is_never_written_through()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("settings.json", "{}\n");
        var victim = dir.Write("victim", "precious\n");
        File.CreateSymbolicLink(path + ".bak", victim);

        var backup = SettingsFileWriter.Replace(path, "{\"a\":1}\n");

        Assert.Equal(path + ".bak.1", backup);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal("{}\n", File.ReadAllText(backup!));
    }

    [Fact]
    public void A_private_file_and_its_backup_stay_private()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("settings.json", "{\"token\":\"secret\"}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var backup = SettingsFileWriter.Replace(path, "{}\n");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup!));
    }

    /// <summary>Run as root on another user's settings (sudo), the rewrite and its backup went to root.</summary>
    [Fact]
    public async Task Run_as_root_another_users_file_and_its_backup_stay_that_users()
    {
        Assert.True(Environment.UserName == "root", "this test runs as root, as the suite does (apt-get, the private systemd manager)");
        using var dir = new TempDirectory();
        var path = dir.Write("settings.json", "{}\n");
        var chown = await FleetExporter.Subprocess.ProcessRunner.RunAsync("chown", ["65534:65534", path, dir.Path], TimeSpan.FromSeconds(10));
        Assert.Equal(0, chown.ExitCode);

        var backup = SettingsFileWriter.Replace(path, "{\"a\":1}\n");
        SettingsFileWriter.Replace(dir.File("new.json"), "{}\n");
        // A folder that is not there yet (a user without ~/.codex) is made that user's too, not root's.
        SettingsFileWriter.Replace(dir.File("made/deeper/new.json"), "{}\n");

        Assert.Equal(new FileOwner.Owner(65534, 65534), FileOwner.Of(path));
        Assert.Equal(new FileOwner.Owner(65534, 65534), FileOwner.Of(backup!));
        Assert.Equal(new FileOwner.Owner(65534, 65534), FileOwner.Of(dir.File("new.json")));
        Assert.All(new[] { "made", "made/deeper", "made/deeper/new.json" }, p => Assert.Equal(new FileOwner.Owner(65534, 65534), FileOwner.Of(dir.File(p))));
    }

    /// <summary>The heartbeat's temporary file had a name anyone could plant a link at (<c>.a1.hb.PID.tmp</c>).</summary>
    [Fact]
    public void A_link_planted_where_a_heartbeat_temporary_file_once_went_is_never_written_through()
    {
        using var dir = new TempDirectory();
        var victim = dir.Write("victim", "precious\n");
        var file = dir.File("hb/a1.hb");
        Directory.CreateDirectory(dir.File("hb"));
        File.CreateSymbolicLink(dir.File($"hb/.a1.hb.{Environment.ProcessId}.tmp"), victim);

        HeartbeatWriter.Write(file, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), 1, "idle", null);

        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Contains("\"status\":\"idle\"", File.ReadAllText(file));
    }
}
