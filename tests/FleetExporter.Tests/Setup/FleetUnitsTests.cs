using FleetExporter.Setup;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Setup;

/// <summary>The units the binary carries are the files in deploy/systemd, and renaming them leaves no default name behind.</summary>
public sealed class FleetUnitsTests
{
    [Fact]
    public void The_default_layout_renders_the_shipped_files_byte_for_byte()
    {
        var rendered = FleetUnits.Render(UnitLayout.Default);

        Assert.Equal([UnitLayout.DefaultTmuxUnit, UnitLayout.DefaultAgentTemplate], rendered.Select(u => u.Name));
        foreach (var unit in rendered)
            Assert.Equal(File.ReadAllText(RepoPaths.Of("deploy", "systemd", unit.Name)), unit.Text);
    }

    [Fact]
    public void A_named_layout_replaces_every_unit_name_socket_and_directory()
    {
        var layout = UnitLayout.Named("demo-tmux.service", "demo@.service", ["-L", "demo-sock"], "/tmp/demo/agents");

        var rendered = FleetUnits.Render(layout);

        var tmux = rendered.Single(u => u.Name == "demo-tmux.service").Text;
        var agent = rendered.Single(u => u.Name == "demo@.service").Text;
        foreach (var text in new[] { tmux, agent })
        {
            Assert.DoesNotContain("-L default", text);
            Assert.DoesNotContain("fleet-tmux.service", text);
            Assert.DoesNotContain("fleet-agent@", text);
            Assert.DoesNotContain("%E/fleet/agents", text);
        }
        Assert.Contains("ExecStart=tmux -L demo-sock -D\n", tmux);
        Assert.Contains("Requires=demo-tmux.service\nAfter=demo-tmux.service\n", agent);
        Assert.Contains("EnvironmentFile=/tmp/demo/agents/%i.env\n", agent);
        Assert.Equal("demo@x1.service", layout.AgentUnit("x1"));
    }

    [Theory]
    [InlineData("tmux.service", "a@.service", "sock", "/tmp/x")]      // accepted: the one valid row
    [InlineData("bad name.service", "a@.service", "sock", "/tmp/x")]
    [InlineData("t.service", "a.service", "sock", "/tmp/x")]
    [InlineData("t.service", "a@.service", "so ck", "/tmp/x")]
    [InlineData("t.service", "a@.service", "sock", "/tmp/with space")]
    [InlineData("t.service", "a@.service", "sock", "/tmp/100%")]
    public void Names_a_unit_file_cannot_carry_as_they_are_are_refused(string tmuxUnit, string template, string socket, string directory)
    {
        var valid = tmuxUnit == "tmux.service";

        var error = Record.Exception(() => UnitLayout.Named(tmuxUnit, template, ["-L", socket], directory));

        Assert.Equal(valid, error is null);
        if (!valid) Assert.IsType<ArgumentException>(error);
    }

    [Fact]
    public void The_env_file_quotes_values_with_systemds_escapes_and_refuses_line_breaks()
    {
        var text = AgentEnvironmentFile.Render("a1", "say \"hi\" $HOME `x` back\\slash", "/srv/work");

        Assert.Contains("FLEET_COMMAND=\"say \\\"hi\\\" \\$HOME \\`x\\` back\\\\slash\"\n", text);
        Assert.Contains("FLEET_DIR=\"/srv/work\"\n", text);
        Assert.Throws<ArgumentException>(() => AgentEnvironmentFile.Render("a1", "one\ntwo", "/srv"));
        Assert.Throws<ArgumentException>(() => AgentEnvironmentFile.Render("a1", "", "/srv"));
    }
}
