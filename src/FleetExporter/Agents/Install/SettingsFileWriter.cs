namespace FleetExporter.Agents.Install;

/// <summary>
/// Replaces a settings file the way an editor should: the previous content saved as <c>FILE.bak</c>, the new
/// one written to a temporary file in the same directory and renamed over it, so a runtime starting at that
/// moment reads either the old file or the new one, never half of one.
/// </summary>
public static class SettingsFileWriter
{
    public static string BackupPath(string path) => path + ".bak";

    public static void Replace(string path, string text)
    {
        // A settings file kept elsewhere and linked in (dotfiles) stays linked: the link's target is replaced.
        if (new FileInfo(path) is { LinkTarget: not null } link)
            path = link.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var existed = File.Exists(path);
        if (existed)
            File.Copy(path, BackupPath(path), overwrite: true);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            if (existed)
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path)); // keeps a private file private
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
