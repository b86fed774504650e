using FleetExporter.Roster;

namespace FleetExporter.Tests.Roster;

/// <summary>How the roster tests parse a refused roster and check that its error names the file, line and key.</summary>
internal static class RosterErrors
{
    public const string FileName = "/etc/fleet/roster.yaml";

    public static RosterException Refused(string yaml) => Assert.Throws<RosterException>(() => RosterLoader.Parse(yaml, FileName));

    public static void AssertNames(RosterException e, int line, string key)
    {
        Assert.Equal(FileName, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.StartsWith($"{FileName}:{line}: {key}: ", e.Message);
    }
}
