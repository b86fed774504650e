using System.Text.Json;

namespace FleetExporter.Tests.Usage;

/// <summary>
/// Transcript lines shaped as Claude Code 2.1 writes them (one line per content block of a response, each with the
/// response's id and usage; API errors as assistant lines of model <c>&lt;synthetic&gt;</c>).
/// </summary>
internal static class ClaudeLines
{
    public static string User(string text) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["type"] = "user", ["sessionId"] = "s1", ["uuid"] = Guid.NewGuid().ToString(),
        ["message"] = new Dictionary<string, object> { ["role"] = "user", ["content"] = text },
    });

    public static string Assistant(string id, string model, long input, long output, long cacheRead = 0, long cacheWrite = 0, string block = "text") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["parentUuid"] = Guid.NewGuid().ToString(), ["type"] = "assistant", ["requestId"] = "req_" + id, ["sessionId"] = "s1",
            ["message"] = new Dictionary<string, object>
            {
                ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                ["content"] = new object[] { new Dictionary<string, object> { ["type"] = block, ["text"] = "ok" } },
                ["usage"] = new Dictionary<string, object>
                {
                    ["input_tokens"] = input, ["cache_creation_input_tokens"] = cacheWrite, ["cache_read_input_tokens"] = cacheRead,
                    ["output_tokens"] = output, ["service_tier"] = "standard",
                },
            },
        });

    public static string ApiError(string text) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["type"] = "assistant", ["isApiErrorMessage"] = true,
        ["message"] = new Dictionary<string, object>
        {
            ["id"] = Guid.NewGuid().ToString(), ["model"] = "<synthetic>", ["role"] = "assistant",
            ["content"] = new object[] { new Dictionary<string, object> { ["type"] = "text", ["text"] = text } },
            ["usage"] = new Dictionary<string, object> { ["input_tokens"] = 0, ["output_tokens"] = 0 },
        },
    });
}
