using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

/// <summary>The tmux text behind watch; its behaviour is tested against real tmux in WatchTests.</summary>
public sealed class WatchScriptTests
{
    private static readonly WatchScript Script = new("agent-1", "fleet-watch-agent-1-abcd1234", "agent-1",
        [new PinnedWindow("@3", "-"), new PinnedWindow("@4", "largest")]);

    [Fact]
    public void Every_hash_survives_run_shell_format_expansion()
    {
        var check = Script.UnattachedCheck();
        Assert.DoesNotContain("#{", check.Replace("##{", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_window_is_saved_only_where_no_value_is_saved_and_pinned_after_the_viewer_exists()
    {
        var setup = string.Join(' ', Script.Setup(TimeSpan.FromSeconds(30)));
        var viewer = setup.IndexOf("new-session", StringComparison.Ordinal);
        foreach (var (id, original) in new[] { ("@3", "-"), ("@4", "largest") })
        {
            var save = setup.IndexOf($"if-shell -F -t {id} #{{==:#{{{WatchScript.SavedOption}}},}} set-option -w -t {id} {WatchScript.SavedOption} {original}", StringComparison.Ordinal);
            var pin = setup.IndexOf($"set-option -w -t {id} window-size manual", StringComparison.Ordinal);
            Assert.True(viewer >= 0 && save > viewer && pin > save, setup);
        }
    }

    [Theory]
    [InlineData("agent-1", true)]
    [InlineData("a,b", false)]
    [InlineData("a}b", false)]
    [InlineData("a b", false)]
    public void Names_that_would_break_a_format_are_refused(string name, bool safe) =>
        Assert.Equal(safe, WatchScript.IsSafe(name));
}
