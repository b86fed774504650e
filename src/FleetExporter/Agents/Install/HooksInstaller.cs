using System.Text;
using FleetExporter.Files;

namespace FleetExporter.Agents.Install;

/// <summary>What to change: the runtime, its settings file, and whether to only show the result.</summary>
public sealed record HooksTarget(HookRuntime Runtime, string Path, bool DryRun);

/// <summary>
/// Reads a runtime's settings file, merges with the pure functions of this folder and writes the result
/// (or, with --dry-run, prints it). A file it refuses raises <see cref="SettingsFileException"/> before
/// anything is written; a failed write raises <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.
/// </summary>
public static class HooksInstaller
{
    public static void Install(HooksTarget target, HookCommandLine command, TextWriter stdout, TextWriter stderr, Func<string, string?> env)
    {
        var (runtime, path, dryRun) = target;
        var existing = ReadOrNull(path);
        string text;
        string summary;
        if (runtime.Format == HookFileFormat.PiExtension)
        {
            if (existing is not null && !PiExtension.IsOurs(existing))
                throw new SettingsFileException(path, 1, 1, "exists and was not written by fleet-exporter (no marker on its first line); move it away or pass --settings");
            text = PiExtension.Render(command, runtime.Events);
            summary = existing == text ? "already installed" : existing is null ? "installed" : "replaced";
        }
        else
        {
            var doc = SettingsJson.Parse(path, existing ?? "", runtime);
            var result = JsonHooksMerge.Install(doc.Root, runtime, command.ShellLine);
            text = result.Changed || existing is null ? SettingsJson.Serialize(result.Root) : existing;
            summary = !result.Changed && existing is not null ? "already installed"
                : $"installed ({result.Added} added, {result.Replaced} replaced{(result.Removed > 0 ? $", {result.Removed} duplicates removed" : "")})";
            if (result.Changed && doc.FirstCommentLine is { } line)
                stderr.WriteLine(CommentsNote(path, line, dryRun));
            if (runtime == HookRuntimes.Gemini && RuntimeNotes.GeminiEnabled(result.Root, path) is { } geminiNote)
                stderr.WriteLine(geminiNote);
            if (runtime == HookRuntimes.Codex)
            {
                var config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.toml");
                if (RuntimeNotes.CodexFeature(ReadOrNull(config), config) is { } featureNote)
                    stderr.WriteLine(featureNote);
                if (summary != "already installed")
                    stderr.WriteLine(RuntimeNotes.CodexTrust());
            }
        }
        Finish(target, existing, text, summary == "already installed" ? null : text, $"{runtime.Name} hooks {summary} in {path}", stdout, stderr);
    }

    public static void Uninstall(HooksTarget target, TextWriter stdout, TextWriter stderr)
    {
        var (runtime, path, dryRun) = target;
        var existing = ReadOrNull(path);
        if (existing is null)
        {
            stderr.WriteLine($"fleet-exporter: no {path}; no {runtime.Name} hooks to remove");
            return;
        }
        if (runtime.Format == HookFileFormat.PiExtension)
        {
            if (!PiExtension.IsOurs(existing))
                throw new SettingsFileException(path, 1, 1, "was not written by fleet-exporter (no marker on its first line); left as it is");
            if (!dryRun)
                File.Delete(path);
            stderr.WriteLine($"fleet-exporter: {(dryRun ? "dry run: would remove" : "removed")} {path}");
            return;
        }
        var doc = SettingsJson.Parse(path, existing, runtime);
        var result = JsonHooksMerge.Uninstall(doc.Root);
        if (result.Changed && doc.FirstCommentLine is { } line)
            stderr.WriteLine(CommentsNote(path, line, dryRun));
        var text = result.Changed ? SettingsJson.Serialize(result.Root) : existing;
        Finish(target, existing, text, result.Changed ? text : null,
            result.Changed ? $"{result.Removed} {runtime.Name} hooks removed from {path}" : $"no fleet-exporter hooks in {path}; nothing changed", stdout, stderr);
    }

    /// <summary>Prints (dry run) or writes <paramref name="write"/> (null: nothing to write), then the one-line summary.</summary>
    private static void Finish(HooksTarget target, string? existing, string text, string? write, string summary, TextWriter stdout, TextWriter stderr)
    {
        var where = summary;
        if (target.DryRun)
        {
            stdout.Write(text);
            stderr.WriteLine($"fleet-exporter: dry run, nothing written: {where}");
            return;
        }
        if (write is not null)
        {
            if (SettingsFileWriter.Replace(target.Path, write) is { } backup)
                where += $" (previous file kept as {backup})";
        }
        stderr.WriteLine($"fleet-exporter: {where}");
    }

    /// <summary>Comments do not survive a rewrite of the JSON: where they are kept.</summary>
    private static string CommentsNote(string path, int line, bool dryRun) =>
        $"note: {path} has comments (the first on line {line}), which rewriting the JSON cannot keep; " +
        (dryRun ? "they would be dropped" : $"the file with them is kept as a backup, {SettingsFileWriter.BackupPath(path)} or the next free {SettingsFileWriter.BackupPath(path)}.N");

    /// <summary>Larger settings files are refused unread: an agent's settings are kilobytes.</summary>
    public const int MaxBytes = 4 << 20;

    /// <summary>
    /// The file's text (a byte-order mark dropped), or null when there is none. Read as the roster is: never blocking
    /// (a FIFO hung install), nothing but a regular file (/dev/zero exhausted the memory), at most <see cref="MaxBytes"/>.
    /// </summary>
    private static string? ReadOrNull(string path)
    {
        byte[] bytes;
        try { bytes = NonBlockingFile.ReadRegular(path, MaxBytes); }
        catch (FileNotFoundException) { return null; }
        catch (NotRegularFileException e) { throw new SettingsFileException(path, 1, 1, $"is {e.Kind}, not a settings file; left as it is"); }
        catch (FileTooLargeException e) { throw new SettingsFileException(path, 1, 1, $"is {e.Message}; left as it is"); }
        // Strict UTF-8 (a UTF-16 file is told by its byte-order mark): bytes that are not UTF-8 would silently become
        // U+FFFD and be written back so.
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        try { return reader.ReadToEnd(); }
        catch (DecoderFallbackException)
        {
            throw new SettingsFileException(path, 1, 1, "is not valid UTF-8 text; left as it is");
        }
    }
}
