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
    public static async Task<PsRun> EventuallyAsync(string url, Func<PsRun, bool> check, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = await RunAsync(url);
        while (!check(last) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            last = await RunAsync(url);
        }
        return last;
    }
}
