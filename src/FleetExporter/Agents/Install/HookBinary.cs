using FleetExporter.Subprocess;
using FleetExporter.Telemetry;

namespace FleetExporter.Agents.Install;

/// <summary>
/// <c>fleet-exporter-hook</c>: the same <c>hook</c> and <c>heartbeat</c> commands in a native binary of their own, which
/// holds only the code they reach. A hook runs at every tool call of every agent, and most of the exporter binary's
/// start-up is spent rebuilding its data (6 MB of it, a page fault every 4 KiB): 40 ms against 14 ms for this one.
/// <c>dotnet publish src/FleetExporter</c> puts it beside <c>fleet-exporter</c>, and what installs hooks uses it when it is there.
/// </summary>
public static class HookBinary
{
    public const string Name = "fleet-exporter-hook";

    public const string Description =
        "fleet-exporter-hook: fleet-exporter's hook and heartbeat commands in a binary of their own that starts quickly (the agents' hooks run it)";

    /// <summary>
    /// The hook binary beside the exporter binary at <paramref name="exporter"/>, when there is one that can run and is
    /// this release (its <c>--version</c>, read with <paramref name="versionOf"/>); else null. One of another release
    /// (only one of the two upgraded) is passed over, with a note on <paramref name="error"/>.
    /// </summary>
    public static string? Beside(string exporter, TextWriter? error = null, Func<string, string?>? versionOf = null)
    {
        var path = Path.Combine(Path.GetDirectoryName(exporter) ?? ".", Name);
        try
        {
            if (!File.Exists(path) || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
                return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var version = (versionOf ?? VersionOf)(path);
        if (version == BuildInfo.Informational) return path;
        error?.WriteLine($"note: {path} is not this release ({(version is null ? "it printed no version" : "version " + Text.Printable.Quote(version))}, " +
                         $"this is {BuildInfo.Informational}): the hooks run {exporter} itself; install both binaries of one release");
        return null;
    }

    private static string? VersionOf(string path)
    {
        try
        {
            var run = ProcessRunner.RunAsync(path, ["--version"], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            return run.ExitCode == 0 ? run.StandardOutput.Trim() : null;
        }
        catch (ProcessRunException) { return null; }
    }
}
