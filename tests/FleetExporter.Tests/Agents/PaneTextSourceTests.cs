using FleetExporter.Roster;
using FleetExporter.Sources.Tmux;
using FleetExporter.Tests.Infrastructure;
using FleetExporter.Tests.Sources;

namespace FleetExporter.Tests.Agents;

/// <summary>Many panes' screens in one tmux call: the split of its output, and the real call against a private server.</summary>
public sealed class PaneTextSourceTests
{
    private const int Timeout = 60_000;
    private const string Marker = "fleet-pane-0123456789abcdef:";

    [Fact]
    public void Split_keys_each_capture_by_the_pane_id_after_its_marker()
    {
        var output = $"{Marker}%3\nfirst line\n\nlast of 3\n{Marker}%12\nonly line\n";

        var texts = PaneTextSource.Split(output, Marker);

        Assert.Equal(["%12", "%3"], texts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("first line\n\nlast of 3", texts["%3"]);
        Assert.Equal("only line\n", texts["%12"]);
    }

    [Fact]
    public void Split_ignores_what_comes_before_the_first_marker_and_a_marker_quoted_mid_line()
    {
        var output = $"noise\n{Marker}%1\nsays {Marker}%2 in the middle\n{Marker}%2\n";

        var texts = PaneTextSource.Split(output, Marker);

        Assert.Equal(2, texts.Count);
        Assert.Equal($"says {Marker}%2 in the middle", texts["%1"]);
        Assert.Equal("", texts["%2"]);
    }

    [Fact]
    public void Split_of_output_without_markers_is_empty()
    {
        Assert.Empty(PaneTextSource.Split("a\nb\n", Marker));
        Assert.Empty(PaneTextSource.Split("", Marker));
    }

    private static async Task<List<string>> StartPanesAsync(TmuxServer tmux, int count)
    {
        for (var i = 0; i < count; i++)
            await tmux.NewSessionAsync($"s{i}", $"printf 'text of pane {i}\\n'; exec sleep 600", width: 80, height: 10);
        var ids = (await tmux.RunAsync("list-panes", "-a", "-F", "#{session_name} #{pane_id}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .OrderBy(p => int.Parse(p[0][1..]))
            .Select(p => p[1])
            .ToList();
        Assert.Equal(count, ids.Count);
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            Assert.True(await TmuxServer.EventuallyAsync(async () => (await tmux.RunAsync("capture-pane", "-p", "-t", id)).Contains($"text of pane {i}")),
                $"pane {id} never showed its text");
        return ids;
    }

    [Fact(Timeout = Timeout)]
    public async Task Two_panes_are_captured_by_one_call_keyed_by_pane_id()
    {
        await using var tmux = new TmuxServer();
        var ids = await StartPanesAsync(tmux, 2);

        var result = await new PaneTextSource().CaptureResultAsync(new TmuxSettings(tmux.SocketName, null), ids, CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(ids.Order(StringComparer.Ordinal), result.Value!.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("text of pane 0", result.Value[ids[0]]);
        Assert.StartsWith("text of pane 1", result.Value[ids[1]]);
    }

    [Fact(Timeout = Timeout)]
    public async Task Pane_ids_past_percent_2_are_keyed_exactly()
    {
        // tmux passes display-message's text through strftime: "%3" would come back as " %3".
        await using var tmux = new TmuxServer();
        var ids = await StartPanesAsync(tmux, 12);

        var result = await new PaneTextSource().CaptureResultAsync(new TmuxSettings(tmux.SocketName, null), ids, CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(ids.Order(StringComparer.Ordinal), result.Value!.Keys.Order(StringComparer.Ordinal));
        for (var i = 0; i < ids.Count; i++)
            Assert.StartsWith($"text of pane {i}", result.Value[ids[i]]);
    }

    [Theory(Timeout = Timeout)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_pane_that_does_not_exist_does_not_cost_the_other_panes_their_screens(int position)
    {
        await using var tmux = new TmuxServer();
        var ids = await StartPanesAsync(tmux, 2);
        var asked = ids.ToList();
        asked.Insert(position, "%999");

        var result = await new PaneTextSource().CaptureResultAsync(new TmuxSettings(tmux.SocketName, null), asked, CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        Assert.StartsWith("text of pane 0", result.Value![ids[0]]);
        Assert.StartsWith("text of pane 1", result.Value[ids[1]]);
        Assert.False(result.Value.TryGetValue("%999", out var ghost) && ghost.Length > 0, $"a screen for a pane that does not exist: {ghost}");
    }

    [Fact(Timeout = Timeout)]
    public async Task No_server_is_no_screens_not_a_failure()
    {
        var result = await new PaneTextSource().CaptureResultAsync(new TmuxSettings("fxt-none-" + Guid.NewGuid().ToString("N")[..8], null), ["%0"], CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        Assert.Empty(result.Value!);
    }

    [Fact(Timeout = Timeout)]
    public async Task No_panes_asked_runs_no_tmux()
    {
        var result = await new PaneTextSource(program: "/nonexistent/tmux").CaptureResultAsync(new TmuxSettings(null, null), [], CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        Assert.Empty(result.Value!);
    }
}
