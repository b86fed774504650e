using FleetExporter.Heartbeats;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// An agent that keeps beating: the product's heartbeat writer, every half interval, on a thread of its own, so a
/// busy machine or thread pool cannot hold a beat back past the stale threshold (three intervals).
/// </summary>
public sealed class HeartbeatLoop : IAsyncDisposable
{
    private readonly string _file;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private DateTimeOffset _lastBeat;

    /// <summary>Starts beating into <paramref name="file"/>, which records <paramref name="interval"/> as the agent's interval.</summary>
    public HeartbeatLoop(string file, TimeSpan interval)
    {
        _file = file;
        _interval = interval;
        new Thread(Run) { IsBackground = true, Name = "heartbeat " + Path.GetFileName(file) }.Start();
    }

    private void Run()
    {
        try
        {
            long seq = 0;
            do
            {
                var now = DateTimeOffset.UtcNow;
                HeartbeatWriter.Write(_file, now, _interval, pid: null, status: null, previousSeq: seq++);
                lock (_gate) _lastBeat = now;
            } while (!_stop.Token.WaitHandle.WaitOne(_interval / 2));
            _stopped.SetResult();
        }
        catch (Exception e)
        {
            _stopped.SetException(e);
        }
    }

    /// <summary>Stops beating; returns the time of the last heartbeat as its file records it (to the millisecond).</summary>
    public async Task<DateTimeOffset> StopAsync()
    {
        await _stop.CancelAsync();
        await _stopped.Task;
        lock (_gate) return DateTimeOffset.FromUnixTimeMilliseconds(_lastBeat.ToUnixTimeMilliseconds());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
