using System.Reflection;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Architecture;

/// <summary>
/// The classes the scheduler treats apart (<see cref="RunsLongAttribute"/>, <see cref="WaitsOnTheClockAttribute"/>)
/// are slow ones: <c>tests/run.sh --fast</c> leaves them out, and a fast class that waited on the clock would run
/// beside four others there.
/// </summary>
public sealed class TestSchedulingTests
{
    private static IEnumerable<Type> Marked<TAttribute>() where TAttribute : Attribute =>
        typeof(TestSchedulingTests).Assembly.GetTypes().Where(t => t.IsDefined(typeof(TAttribute), inherit: false));

    private static bool Slow(Type type) =>
        CustomAttributeData.GetCustomAttributes(type).Any(a => a.AttributeType == typeof(TraitAttribute)
            && a.ConstructorArguments.Select(c => c.Value as string).SequenceEqual([Speed.Trait, Speed.Slow]));

    [Fact]
    public void Every_class_that_runs_long_or_waits_on_the_clock_is_a_slow_one()
    {
        var marked = Marked<RunsLongAttribute>().Concat(Marked<WaitsOnTheClockAttribute>()).Distinct().ToList();

        Assert.Contains(typeof(RealAgents.RealAgentPagingTests), marked);
        Assert.Contains(typeof(Native.NativeBinaryTests), marked);
        Assert.Empty(marked.Where(t => !Slow(t)).Select(t => t.Name));
    }
}
