using FleetExporter.Agents.Install;

namespace FleetExporter.Setup;

/// <summary>The hooks init installs: into which runtime's settings, running which command line.</summary>
public sealed record InitHooks(HooksTarget Target, HookCommandLine Command);

/// <summary>
/// Scaffolds a fleet: prints every file (and the hooks' settings) it would write, then, unless it is a dry run,
/// writes them. Nothing is written when a file exists with other content and <c>--force</c> is not given, or when
/// the runtime's settings are refused; files already as they should be are left alone.
/// </summary>
public static class InitRunner
{
    public static InitOutcome Run(InitRequest request, InitHooks? hooks, bool dryRun, bool force, TextWriter stdout, TextWriter stderr, Func<string, string?> env)
    {
        var files = InitPlan.Files(request);
        var differing = new List<string>();
        var existingText = new Dictionary<string, string?>();
        foreach (var file in files)
        {
            string? existing;
            try { existing = existingText[file.Path] = Existing(file.Path); }
            catch (IOException e)
            {
                stderr.WriteLine($"fleet-exporter: refused, nothing written: {file.Path}: {e.Message}");
                return InitOutcome.Refused;
            }
            var note = existing is null ? "" : existing == file.Text ? " (exists, unchanged)" : " (exists, different)";
            // --add changes the roster on purpose: only the agents it appends (printed here) are new in it.
            if (existing is not null && existing != file.Text && !(request.ExistingRoster is not null && file.Path == request.RosterPath)) differing.Add(file.Path);
            stdout.WriteLine($"==> {file.Path}: {file.Purpose}{note}");
            stdout.Write(file.Text);
            stdout.WriteLine();
        }
        if (hooks is not null)
        {
            stdout.WriteLine($"==> {hooks.Target.Path}: {hooks.Target.Runtime.Name}'s settings with the hooks that report each agent's state and heartbeat (as `fleet-exporter hooks install {hooks.Target.Runtime.Name}`)");
            try
            {
                // Always a dry run first: a settings file the installer refuses stops init before anything is written.
                HooksInstaller.Install(hooks.Target with { DryRun = true }, hooks.Command, stdout, dryRun ? stderr : TextWriter.Null, env);
            }
            catch (SettingsFileException e)
            {
                stderr.WriteLine($"fleet-exporter: refused, nothing written: {e.Message}");
                return InitOutcome.Refused;
            }
            stdout.WriteLine();
        }
        else stderr.WriteLine($"fleet-exporter: {request.Runtime} has no hooks to install; its agents report no state or heartbeat of their own (see README, \"Hooks\")");

        if (differing.Count > 0 && !force)
        {
            stderr.WriteLine($"fleet-exporter: nothing written: {differing.Count} file(s) exist with other content (--force replaces them, keeping each as a backup, FILE.bak or the next free FILE.bak.N):");
            foreach (var path in differing) stderr.WriteLine($"  {path}");
            return InitOutcome.Failed;
        }
        if (dryRun)
        {
            stderr.WriteLine("fleet-exporter: dry run, nothing written. Then:");
            foreach (var line in InitPlan.NextCommands(request)) stderr.WriteLine($"  {line}");
            return InitOutcome.Done;
        }
        try
        {
            foreach (var file in files.Where(f => existingText[f.Path] != f.Text))
            {
                var backup = SettingsFileWriter.Replace(file.Path, file.Text);
                stderr.WriteLine($"fleet-exporter: wrote {file.Path}{(backup is null ? "" : $" (previous file kept as {backup})")}");
            }
            if (hooks is not null) HooksInstaller.Install(hooks.Target, hooks.Command, stdout, stderr, env);
        }
        catch (SettingsFileException e)
        {
            stderr.WriteLine($"fleet-exporter: refused: {e.Message}");
            return InitOutcome.Refused;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"fleet-exporter: cannot write: {e.Message}");
            return InitOutcome.Failed;
        }
        stderr.WriteLine("fleet-exporter: done. Next:");
        foreach (var line in InitPlan.NextCommands(request)) stderr.WriteLine($"  {line}");
        return InitOutcome.Done;
    }

    /// <summary>Files init writes are small: one that is a FIFO, a device or huge is refused, never waited on or read whole.</summary>
    private const int MaxExisting = 1024 * 1024;

    /// <summary>The text of a file init would write, or null when there is none yet.</summary>
    /// <exception cref="IOException">It is not a regular file, it is larger than 1 MiB, or it cannot be read.</exception>
    private static string? Existing(string path)
    {
        try { return System.Text.Encoding.UTF8.GetString(Files.NonBlockingFile.ReadRegular(path, MaxExisting)); }
        catch (FileNotFoundException) { return null; }
        catch (Files.FileTooLargeException) { throw new IOException($"larger than {MaxExisting} bytes: not a file init wrote"); }
        catch (UnauthorizedAccessException e) { throw new IOException(e.Message, e); }
    }
}

/// <summary>How <c>init</c> ended: written (or a dry run), failed (files in the way without --force, or a write), refused (nothing written).</summary>
public enum InitOutcome { Done, Failed, Refused }
