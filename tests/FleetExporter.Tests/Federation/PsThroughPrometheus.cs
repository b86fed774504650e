using System.Text.Json.Nodes;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Federation;

/// <summary>One run of the real <c>fleet-exporter ps --prometheus URL --json</c>: exit code, rows, stderr.</summary>
public sealed record PsRun(int Code, IReadOnlyList<JsonNode> Rows, string Stderr)
{
    public static string Name(JsonNode row) => row["name"]!.GetValue<string>();

    public static string Flags(JsonNode row) => string.Join(',', row["flags"]!.AsArray().Select(f => f!.GetValue<string>()));

    /// <summary>"host tenant agent: FLAGS", the line the tests compare.</summary>
    public static string Row(JsonNode row) => $"{row["host"]} {row["tenant_id"]} {Name(row)}: {Flags(row)}";

    public string Describe() => $"exit {Code}: {Stderr}\n" + string.Join("\n", Rows.Select(Row));

    public static async Task<PsRun> RunAsync(string url, params string[] args)
    {
        var r = await FleetBinary.RunAsync(["ps", "--prometheus", url, "--json", .. args]);
        var rows = r.StandardOutput.Length > 0 ? JsonNode.Parse(r.StandardOutput)!.AsArray().Select(n => n!).ToList() : [];
        return new PsRun(r.ExitCode, rows, r.StandardError);
    }

    /// <summary>Runs it until the check passes or the time is up; returns the last run.</summary>
    public static Task<PsRun> EventuallyAsync(string url, Func<PsRun, bool> check, TimeSpan within) => UntilAsync(() => RunAsync(url), check, within);

    /// <summary>
    /// Asks again until the answer passes or the time is up; returns the last answer. On a loaded machine a source can
    /// miss one scrape's deadline (and is rightly shown unknown then): the tests wait for a scrape where none did.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> ask, Func<T, bool> check, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = await ask();
        while (!check(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            last = await ask();
        }
        return last;
    }
}
