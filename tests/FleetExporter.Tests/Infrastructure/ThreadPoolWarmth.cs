using System.Runtime.CompilerServices;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// The tests host exporters in this one process beside four test classes at a time, many of which block a thread
/// (a process's exit, a file lock). When those take every pool thread, the pool adds one thread about every half
/// second, and an in-process serve's continuation after its collection deadline can wait longer than the 0.4 s the
/// scrape keeps for it: a 503 that a serve in its own process never shows (ServeEndpointTests saw it twice on a loaded
/// machine). Enough threads from the start take that wait away.
/// </summary>
internal static class ThreadPoolWarmth
{
    [ModuleInitializer]
    internal static void Warm()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
