using FleetExporter.Operator;

namespace FleetExporter.Tests.Operator;

/// <summary>The tmux text behind watch; its behaviour is tested against real tmux in WatchTests.</summary>
public sealed class WatchScriptTests
{
    private static readonly WatchScript Script = new("agent-1", "fleet-watch-agent-1-abcd1234", "agent-1",
        [new PinnedWindow("@3", "-"), new PinnedWindow("@4", null)]);

    [Fact]
    public void Every_hash_survives_run_shell_format_expansion()
    {
        var check = Script.UnattachedCheck();
        Assert.DoesNotContain("#{", check.Replace("##{", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_windows_without_a_saved_value_get_one_and_every_window_is_pinned()
    {
        var setup = string.Join(' ', Script.Setup(TimeSpan.FromSeconds(30)));
        Assert.Contains($"set-option -w -t @3 {WatchScript.SavedOption} -", setup);
        Assert.DoesNotContain($"set-option -w -t @4 {WatchScript.SavedOption}", setup);
        Assert.Contains("-t @3 window-size manual", setup);
        Assert.Contains("-t @4 window-size manual", setup);
    }

    [Theory]
    [InlineData("agent-1", true)]
    [InlineData("a,b", false)]
    [InlineData("a}b", false)]
    [InlineData("a b", false)]
    public void Names_that_would_break_a_format_are_refused(string name, bool safe) =>
        Assert.Equal(safe, WatchScript.IsSafe(name));
}
