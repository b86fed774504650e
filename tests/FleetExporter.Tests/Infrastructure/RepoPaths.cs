namespace FleetExporter.Tests.Infrastructure;

/// <summary>Finds files of the repository from the test binary's folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A path relative to the repository root, e.g. "rules/fleet-alerts.yml".</summary>
    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "FleetExporter.sln"))) return dir.FullName;
        throw new InvalidOperationException("FleetExporter.sln not found above " + AppContext.BaseDirectory);
    }
}
