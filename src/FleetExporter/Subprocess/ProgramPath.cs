namespace FleetExporter.Subprocess;

/// <summary>Where a program is on this process's PATH, as a shell would find it.</summary>
public static class ProgramPath
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
