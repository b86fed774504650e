using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("FleetExporter.Tests.Infrastructure.SchedulingFramework", "FleetExporter.Tests")]

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// Marks a test class that spends minutes waiting on real time with little CPU (an alert rule's own <c>for:</c>, a
/// remote-write flush). Such a class runs beside the others, outside xUnit's limit on test classes at a time
/// (<c>MaxParallelThreads</c>, one per core), one such class at a time: held inside the limit, it kept a core's slot
/// idle for minutes (RealAgentPagingTests: 275 s of wall time, 60 s of CPU).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class WaitsOnTheClockAttribute : Attribute;

/// <summary>
/// Marks a test class of minutes (the native publish, the real agents' longest classes). It starts before the
/// others: started late, it ran alone at the end while the other core had nothing left (NativeBinaryTests'
/// publish: 90 s of the last 97 in one run).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsLongAttribute : Attribute;

/// <summary>xUnit's own framework, with the assembly runner below.</summary>
public sealed class SchedulingFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink,
            ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new SchedulingAssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }
}

/// <summary>
/// xUnit's assembly runner, except that collections of <see cref="RunsLongAttribute"/> classes start first (in xUnit's
/// order otherwise), and a collection of <see cref="WaitsOnTheClockAttribute"/> classes waits for the clock lane (one
/// at a time) instead of a slot among the <c>MaxParallelThreads</c>.
/// </summary>
internal sealed class SchedulingAssemblyRunner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases,
    IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
    : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
{
    private readonly SemaphoreSlim _clockLane = new(1);
    private readonly TaskCompletionSource _longOnesQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<Guid> _runsLong = [];
    private int _longToQueue;

    protected override async Task AfterTestAssemblyStartingAsync()
    {
        await base.AfterTestAssemblyStartingAsync(); // sets the orderer named by the assembly, if any
        _runsLong = TestCases.Where(Has<RunsLongAttribute>).Select(c => c.TestMethod.TestClass.TestCollection.UniqueID).ToHashSet();
        _longToQueue = _runsLong.Count;
        if (_longToQueue == 0) _longOnesQueued.TrySetResult();
        TestCollectionOrderer = new LongFirst(TestCollectionOrderer, _runsLong);
    }

    private sealed class LongFirst(ITestCollectionOrderer inner, HashSet<Guid> runsLong) : ITestCollectionOrderer
    {
        public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
            inner.OrderTestCollections(testCollections).OrderBy(c => runsLong.Contains(c.UniqueID) ? 0 : 1);
    }

    protected override async Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection,
        IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource)
    {
        // xUnit starts every collection at once on the thread pool, so its order alone decides nothing: the others
        // wait until each long one holds a slot or is queued for one (the semaphores queue in order). A minute bounds
        // that wait, should a long one never come.
        var runsLong = _runsLong.Contains(testCollection.UniqueID);
        if (!runsLong) await Task.WhenAny(_longOnesQueued.Task, Task.Delay(TimeSpan.FromMinutes(1)));
        var cases = testCases.ToList();
        var run = cases.All(Has<WaitsOnTheClockAttribute>)
            ? RunOnClockLaneAsync(messageBus, testCollection, cases, cancellationTokenSource)
            : base.RunTestCollectionAsync(messageBus, testCollection, cases, cancellationTokenSource);
        if (runsLong && Interlocked.Decrement(ref _longToQueue) == 0) _longOnesQueued.TrySetResult();
        return await run;
    }

    private async Task<RunSummary> RunOnClockLaneAsync(IMessageBus messageBus, ITestCollection testCollection,
        List<IXunitTestCase> cases, CancellationTokenSource cancellationTokenSource)
    {
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

    private static bool Has<TAttribute>(IXunitTestCase testCase) where TAttribute : Attribute =>
        testCase.TestMethod.TestClass.Class.ToRuntimeType()?.IsDefined(typeof(TAttribute), inherit: false) == true;

    public override void Dispose()
    {
        _clockLane.Dispose();
        base.Dispose();
    }
}
