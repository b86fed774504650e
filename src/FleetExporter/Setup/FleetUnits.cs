using System.Reflection;

namespace FleetExporter.Setup;

/// <summary>A unit file to install: its file name and its text.</summary>
public sealed record UnitFile(string Name, string Text);

/// <summary>
/// The agent units this binary ships (deploy/systemd, embedded at build time): <c>fleet-tmux.service</c>, which owns
/// the fleet's tmux server, and the <c>fleet-agent@.service</c> template, whose sessions live on that server. Every
/// installer (<c>init</c>, the demo, the benchmark, the tests) renders these same texts; only names change.
/// </summary>
public static class FleetUnits
{
    public static string ShippedTmuxUnit { get; } = Resource(UnitLayout.DefaultTmuxUnit);
    public static string ShippedAgentTemplate { get; } = Resource(UnitLayout.DefaultAgentTemplate);

    /// <summary>Both units for <paramref name="layout"/>; for <see cref="UnitLayout.Default"/>, the shipped files byte for byte.</summary>
    public static IReadOnlyList<UnitFile> Render(UnitLayout layout) =>
    [
        new(layout.TmuxUnit, Substitute(ShippedTmuxUnit, layout)),
        new(layout.AgentTemplate, Substitute(ShippedAgentTemplate, layout)),
    ];

    private static string Substitute(string text, UnitLayout layout)
    {
        var defaults = UnitLayout.Default;
        var agentPrefix = defaults.AgentTemplate[..(defaults.AgentTemplate.IndexOf('@') + 1)];
        return text
            .Replace(defaults.TmuxUnit, layout.TmuxUnit, StringComparison.Ordinal)
            .Replace(agentPrefix, layout.AgentTemplate[..(layout.AgentTemplate.IndexOf('@') + 1)], StringComparison.Ordinal)
            .Replace(string.Join(' ', defaults.TmuxServer), string.Join(' ', layout.TmuxServer), StringComparison.Ordinal)
            .Replace(defaults.AgentEnvironmentDirectory, layout.AgentEnvironmentDirectory, StringComparison.Ordinal);
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FleetExporter.Setup." + name)
            ?? throw new InvalidOperationException($"the build did not embed deploy/systemd/{name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
