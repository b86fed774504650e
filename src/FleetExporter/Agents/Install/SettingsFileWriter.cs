using FleetExporter.Files;

namespace FleetExporter.Agents.Install;

/// <summary>
/// Replaces a settings file the way an editor should: the previous content saved as a backup that no later write
/// overwrites, the new one written to a temporary file in the same directory and renamed over it, so a runtime
/// starting at that moment reads either the old file or the new one, never half of one.
/// </summary>
public static class SettingsFileWriter
{
    /// <summary>The first backup's name; later ones are numbered (<c>FILE.bak.1</c>, <c>FILE.bak.2</c>, ...).</summary>
    public static string BackupPath(string path) => path + ".bak";

    /// <summary>How many numbered backups are tried before giving up (a folder someone filled on purpose).</summary>
    private const int MaxBackups = 1000;

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>; returns the backup made of the previous file, or null when there was none.</summary>
    public static string? Replace(string path, string text)
    {
        // A settings file kept elsewhere and linked in (dotfiles) stays linked: the link's target is replaced.
        if (new FileInfo(path) is { LinkTarget: not null } link)
            path = link.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // The previous file's owner, else the nearest existing folder's: run as root on another user's home, nothing
        // (neither a new folder nor a file) becomes root's.
        var folderOwner = FileOwner.CreateDirectoryAs(dir);
        var existed = File.Exists(path);
        var owner = existed ? FileOwner.Of(path) : folderOwner;
        var backup = existed ? Backup(path) : null;
        if (backup is not null) FileOwner.Give(backup, owner);
        // Created exclusively under a name nobody can guess (a link planted there is never followed), with the
        // previous file's mode from the start: a private file is never readable by others, not even for a moment.
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (existed) options.UnixCreateMode = File.GetUnixFileMode(path);
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(text);
            if (existed) File.SetUnixFileMode(temp, File.GetUnixFileMode(path)); // the umask may have narrowed it
            FileOwner.Give(temp, owner);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        return backup;
    }

    /// <summary>
    /// Copies the file to the first free backup name, never over an existing one (nor through a link there): the
    /// first backup keeps what the user had before any of our writes.
    /// </summary>
    private static string Backup(string path)
    {
        for (var n = 0; n < MaxBackups; n++)
        {
            var name = n == 0 ? BackupPath(path) : $"{BackupPath(path)}.{n}";
            if (File.Exists(name) || new FileInfo(name).LinkTarget is not null) continue;
            try
            {
                File.Copy(path, name, overwrite: false);
                return name;
            }
            catch (IOException) when (File.Exists(name) || new FileInfo(name).LinkTarget is not null)
            {
                // Made by someone else meanwhile: the next number.
            }
        }
        throw new IOException($"no free backup name for {path} ({BackupPath(path)} to {BackupPath(path)}.{MaxBackups - 1} all exist)");
    }
}
