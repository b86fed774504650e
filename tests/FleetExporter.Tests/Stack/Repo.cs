namespace FleetExporter.Tests.Stack;

/// <summary>Paths in the source tree: the stack's files are tested where operators take them from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "FleetExporter.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no FleetExporter.sln above {AppContext.BaseDirectory}");
    }
}
