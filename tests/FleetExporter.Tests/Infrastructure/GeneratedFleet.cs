using FleetExporter.Fleet;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// A large fleet made of <see cref="SampleAgents"/>' shapes in turn, each agent named <c>agent-0001</c> and up, with the
/// state and flags its row must show in words: for the 1000-agent pages, where starting 1000 real units would not fit
/// the test budget. Only the snapshot is made up; the pages and the exposition come from the product's own code.
/// </summary>
public static class GeneratedFleet
{
    /// <summary>A shape, and its state and flags cells as the landing page and /fleet (through Prometheus) show them.</summary>
    public sealed record Shape(Func<string, AgentStatus> Make, string LandingState, string FleetState, string Flags);

    public static IReadOnlyList<Shape> Shapes { get; } =
    [
        new(n => SampleAgents.Healthy(n), "working (hook)", "working", "ok"),
        new(SampleAgents.Waiting, "waiting (hook)", "waiting", "ok"),
        new(n => SampleAgents.Drifted(n), "?", "unknown", "DRIFT"),
        new(SampleAgents.Down, "?", "unknown", "DOWN NO-SESSION"),
        new(SampleAgents.DeadPane, "?", "unknown", "PANE-DEAD"),
        new(SampleAgents.UnitUnknown, "working (hook)", "working", "?"),
    ];

    public static string Name(int i) => $"agent-{i + 1:0000}";

    public static Shape ShapeOf(int i) => Shapes[i % Shapes.Count];

    public static FleetSnapshot Snapshot(int count) =>
        SampleAgents.Snapshot([.. Enumerable.Range(0, count).Select(i => ShapeOf(i).Make(Name(i)))]);
}
