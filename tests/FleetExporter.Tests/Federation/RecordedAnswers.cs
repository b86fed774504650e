using FleetExporter.Federation;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Federation;

/// <summary>
/// Answers a real Prometheus (2.42, scraping every 2 s) gave to the five queries of <see cref="FleetAnswers"/>, recorded
/// with curl: <c>up/</c> while the demo fleet's exporter (host vm) ran and a second target (host gone-host) had no
/// exporter, <c>down/</c> after the demo's exporter stopped. <c>at.txt</c> is the evaluation time of the queries.
/// </summary>
public static class RecordedAnswers
{
    public static FleetAnswers Load(string name, TimeSpan? later = null)
    {
        string Read(string file) => File.ReadAllText(RepoPaths.Of("tests", "FleetExporter.Tests", "Federation", "Recorded", name, file));
        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(Read("at.txt"), System.Globalization.CultureInfo.InvariantCulture) * 1000));
        return new FleetAnswers(at + (later ?? TimeSpan.Zero), TimeSpan.FromHours(1),
            PromResponse.Vector(Read("current.json")), PromResponse.Matrix(Read("recent.json")),
            PromResponse.Vector(Read("known_agents.json")), PromResponse.Vector(Read("known_hosts.json")), PromResponse.Vector(Read("up.json")));
    }
}
