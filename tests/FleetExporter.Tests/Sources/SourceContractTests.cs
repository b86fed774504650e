using System.Collections.Concurrent;
using System.Diagnostics;
using FleetExporter.Fleet;
using FleetExporter.Roster;
using FleetExporter.Sources;
using FleetExporter.Telemetry;

namespace FleetExporter.Tests.Sources;

/// <summary>
/// The one contract every source runs under (<see cref="SourceRunner"/>, <see cref="FleetSources"/>): a new source is
/// its own class and one registration, and gets the same span, timing, deadline and failure accounting as the others.
/// </summary>
public sealed class SourceContractTests
{
    private static readonly FleetRoster Roster = RosterLoader.Parse("host: contract-host\nagents:\n  - { name: a1, runtime: claude }\n", "contract.yaml");

    private sealed record Answer(string Text);
    private sealed record Other(int Number);

    /// <summary>A source written for these tests: it does what it is told, and nothing else.</summary>
    private sealed class Scripted<T>(string name, Func<SourceInput, CancellationToken, Task<SourceRead<T>>> read) : IFleetSource<T> where T : class
    {
        public string Name => name;
        public Task<SourceRead<T>> ReadAsync(SourceInput input, CancellationToken ct) => read(input, ct);
    }

    private static Scripted<T> Source<T>(string name, Func<SourceInput, CancellationToken, Task<SourceRead<T>>> read) where T : class => new(name, read);

    [Fact]
    public async Task A_registered_source_runs_with_the_others_and_its_facts_and_health_are_found_by_type()
    {
        var sources = FleetSources.None
            .Add(Source<Answer>("answer", (input, _) => Task.FromResult<SourceRead<Answer>>(new Answer(input.Roster.Host))))
            .Add(Source<Other>("other", (_, _) => Task.FromResult(new SourceRead<Other>(new Other(7)) { Note = "fell back", Method = "slow" })));

        var facts = await sources.RunAsync(Roster, CancellationToken.None);

        Assert.Equal("contract-host", facts.Get<Answer>().Value!.Text);
        Assert.Equal(7, facts.Get<Other>().Value!.Number);
        Assert.Equal(["answer", "other"], facts.Health.Select(h => h.Source));
        Assert.All(facts.Health, h => Assert.True(h.Ok));
        Assert.Equal(("fell back", "slow"), (facts.Health[1].Note, facts.Health[1].Method));
        var missing = facts.Get<FleetRoster>();
        Assert.False(missing.Ok);
        Assert.Contains("no source of FleetRoster", missing.Error);
    }

    [Fact]
    public async Task A_source_that_fails_or_faults_costs_only_its_own_facts_and_says_why()
    {
        var sources = FleetSources.None
            .Add(Source<Answer>("refuses", (_, _) => throw new SourceFailedException("cannot read /nowhere: gone", note: "tried twice")))
            .Add(Source<Other>("faults", (_, _) => throw new InvalidOperationException("a bug")))
            .Add(Source<string>("fine", (_, _) => Task.FromResult<SourceRead<string>>("ok")));

        var facts = await sources.RunAsync(Roster, CancellationToken.None);

        var byName = facts.Health.ToDictionary(h => h.Source);
        Assert.Equal((false, "cannot read /nowhere: gone", "tried twice"), (byName["refuses"].Ok, byName["refuses"].Error, byName["refuses"].Note));
        Assert.Equal((false, "InvalidOperationException: a bug"), (byName["faults"].Ok, byName["faults"].Error));
        Assert.Null(facts.Get<Answer>().Value);
        Assert.Equal("ok", facts.Get<string>().Value);
        Assert.True(byName["fine"].Ok);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_source_that_never_finishes_fails_at_the_deadline_and_the_collection_returns_on_time()
    {
        var never = new TaskCompletionSource<SourceRead<Answer>>();
        var sources = FleetSources.None
            // Ignores its token, as a read stuck on a hung file system does.
            .Add(Source<Answer>("stuck", (_, _) => never.Task))
            .Add(Source<Other>("quick", (_, _) => Task.FromResult<SourceRead<Other>>(new Other(1))));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var facts = await sources.RunAsync(Roster, deadline.Token);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed.TotalSeconds:0.0} s against a 0.3 s deadline");
        var stuck = facts.Health.Single(h => h.Source == "stuck");
        Assert.Equal((false, SourceRunner.DeadlineMissed), (stuck.Ok, stuck.Error));
        Assert.InRange(stuck.Duration, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.True(facts.Health.Single(h => h.Source == "quick").Ok);
        never.SetResult(new Answer("late"));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_source_may_wait_for_another_sources_facts_in_the_same_collection_whatever_the_order()
    {
        var release = new TaskCompletionSource();
        var sources = FleetSources.None
            .Add(Source<Other>("after", async (input, _) => (await input.ResultOf<Answer>()).Value is { } a ? new Other(a.Text.Length) : throw new SourceFailedException("no answer")))
            .Add(Source<Answer>("first", async (_, _) => { await release.Task; return new Answer("four"); }));

        var collecting = sources.RunAsync(Roster, CancellationToken.None);
        release.SetResult();
        var facts = await collecting;

        Assert.Equal(4, facts.Get<Other>().Value!.Number);
        // Run alone, the facts it waits for are missing: a failure that says so, not a hang.
        var alone = await SourceRunner.RunAsync(Source<Other>("after", async (input, _) =>
            (await input.ResultOf<Answer>()).Value is { } a ? new Other(a.Text.Length) : throw new SourceFailedException("no answer")), Roster);
        Assert.Equal((false, "no answer"), (alone.Ok, alone.Error));
    }

    [Fact]
    public void Two_sources_of_the_same_facts_are_refused_at_registration()
    {
        var one = FleetSources.None.Add(Source<Answer>("one", (_, _) => Task.FromResult<SourceRead<Answer>>(new Answer(""))));
        var e = Assert.Throws<ArgumentException>(() => one.Add(Source<Answer>("two", (_, _) => Task.FromResult<SourceRead<Answer>>(new Answer("")))));
        Assert.Contains("two sources of Answer: one and two", e.Message);
    }

    [Fact]
    public async Task Every_source_runs_in_its_own_span_and_a_failure_marks_it()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FleetTelemetry.Source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var marker = "contract-" + Guid.NewGuid().ToString("N")[..8];
        var sources = FleetSources.None
            .Add(Source<Answer>(marker + "-ok", (_, _) => Task.FromResult<SourceRead<Answer>>(new Answer(""))))
            .Add(Source<Other>(marker + "-bad", (_, _) => throw new SourceFailedException("broken")));

        await sources.RunAsync(Roster, CancellationToken.None);

        var ok = Assert.Single(spans, s => s.DisplayName == $"source {marker}-ok");
        var bad = Assert.Single(spans, s => s.DisplayName == $"source {marker}-bad");
        Assert.Equal(ActivityStatusCode.Unset, ok.Status);
        Assert.Equal((ActivityStatusCode.Error, "broken"), (bad.Status, bad.StatusDescription));
    }

    [Fact]
    public void The_standard_sources_are_registered_once_each_in_the_order_their_health_is_exported()
    {
        var standard = FleetSources.Standard(new FleetExporter.Sources.Systemd.SystemdSource(TimeProvider.System), new FleetExporter.Sources.Tmux.TmuxSource(),
            new FleetExporter.Sources.Processes.ProcessSource(), new FleetExporter.Sources.Heartbeats.HeartbeatSource(TimeProvider.System));
        Assert.Equal(["systemd", "tmux", "panes", "processes", "heartbeat", "send_journal", "usage"], standard.Names);
    }
}
