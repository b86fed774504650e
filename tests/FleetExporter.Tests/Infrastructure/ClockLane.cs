using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("FleetExporter.Tests.Infrastructure.ClockLaneFramework", "FleetExporter.Tests")]

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// Marks a test class that spends minutes waiting on real time with little CPU (an alert rule's own <c>for:</c>, a
/// remote-write flush). Such a class runs beside the others, outside xUnit's limit on test classes at a time
/// (<c>MaxParallelThreads</c>, one per core), one such class at a time: held inside the limit, it kept a core's slot
/// idle for minutes (RealAgentPagingTests: 275 s of wall time, 60 s of CPU).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class WaitsOnTheClockAttribute : Attribute;

/// <summary>xUnit's own framework, with the assembly runner below.</summary>
public sealed class ClockLaneFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink,
            ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new ClockLaneAssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }
}

/// <summary>
/// xUnit's assembly runner, except that a collection of <see cref="WaitsOnTheClockAttribute"/> classes waits for the
/// clock lane (one at a time) instead of a slot among the <c>MaxParallelThreads</c>.
/// </summary>
internal sealed class ClockLaneAssemblyRunner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases,
    IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
    : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
{
    private readonly SemaphoreSlim _clockLane = new(1);

    protected override async Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection,
        IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource)
    {
        var cases = testCases.ToList();
        if (!cases.All(WaitsOnTheClock)) return await base.RunTestCollectionAsync(messageBus, testCollection, cases, cancellationTokenSource);
        await _clockLane.WaitAsync(cancellationTokenSource.Token);
        try
        {
            return await new XunitTestCollectionRunner(testCollection, cases, DiagnosticMessageSink, messageBus, TestCaseOrderer,
                new ExceptionAggregator(Aggregator), cancellationTokenSource).RunAsync();
        }
        finally
        {
            _clockLane.Release();
        }
    }

    private static bool WaitsOnTheClock(IXunitTestCase testCase) =>
        testCase.TestMethod.TestClass.Class.ToRuntimeType()?.IsDefined(typeof(WaitsOnTheClockAttribute), inherit: false) == true;

    public override void Dispose()
    {
        _clockLane.Dispose();
        base.Dispose();
    }
}
