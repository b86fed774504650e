using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetExporter.Tests.RealAgents;

/// <summary>The private configuration that takes each agent to a working prompt offline (see ENVIRONMENT.md).</summary>
public sealed partial class RealAgent
{
    private const string ApiKey = "sk-stub-0123456789abcdefghij";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string StubUrl => $"http://127.0.0.1:{StubPort}";

    /// <summary>Writes the runtime's configuration files and returns the environment the agent needs.</summary>
    private static Dictionary<string, string> Configure(AgentRuntime runtime, AgentPaths paths, RealAgentOptions options)
    {
        var env = new Dictionary<string, string> { ["HOME"] = paths.Home, ["TMPDIR"] = paths.Tmp };
        switch (runtime.Name)
        {
            case "claude":
                WriteJson(Path.Combine(paths.Home, ".claude.json"), new JsonObject
                {
                    ["hasCompletedOnboarding"] = true,
                    ["lastOnboardingVersion"] = runtime.Version,
                    ["theme"] = "dark",
                    ["customApiKeyResponses"] = new JsonObject { ["approved"] = new JsonArray(ApiKey[^20..]), ["rejected"] = new JsonArray() },
                    ["projects"] = new JsonObject { [paths.Work] = new JsonObject { ["hasTrustDialogAccepted"] = true } },
                    ["hasSeenAutoDefaultNudge"] = true,
                    ["hasSeenAutoDefaultNotice"] = true,
                });
                var claudeSettings = new JsonObject { ["permissions"] = new JsonObject { ["defaultMode"] = "default" } };
                if (options.Hooks is not null) claudeSettings["hooks"] = options.Hooks.DeepClone();
                WriteJson(paths.HooksSettings(runtime), claudeSettings);
                env["ANTHROPIC_BASE_URL"] = StubUrl;
                env["ANTHROPIC_API_KEY"] = ApiKey;
                env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
                env["DISABLE_AUTOUPDATER"] = "1";
                env["DISABLE_TELEMETRY"] = "1";
                env["DISABLE_ERROR_REPORTING"] = "1";
                env["CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"] = "1";
                env["CLAUDE_CODE_TMPDIR"] = paths.Tmp;
                break;
            case "codex":
                File.WriteAllText(Path.Combine(paths.CodexHome, "config.toml"), $"""
                    model = "{ModelName}"
                    model_provider = "stub"
                    check_for_update_on_startup = false

                    [model_providers.stub]
                    name = "stub"
                    base_url = "{StubUrl}/v1"
                    wire_api = "responses"
                    env_key = "OPENAI_API_KEY"

                    [analytics]
                    enabled = false

                    [features]
                    hooks = true

                    [projects."{paths.Work}"]
                    trust_level = "trusted"

                    """);
                if (options.Hooks is not null)
                    WriteJson(paths.HooksSettings(runtime), new JsonObject { ["hooks"] = options.Hooks.DeepClone() });
                env["CODEX_HOME"] = paths.CodexHome;
                env["OPENAI_API_KEY"] = ApiKey;
                break;
            case "gemini":
                var geminiSettings = new JsonObject
                {
                    ["security"] = new JsonObject
                    {
                        ["auth"] = new JsonObject { ["selectedType"] = "gemini-api-key" },
                        ["folderTrust"] = new JsonObject { ["enabled"] = false },
                    },
                    ["general"] = new JsonObject { ["enableAutoUpdate"] = false, ["enableAutoUpdateNotification"] = false },
                    ["privacy"] = new JsonObject { ["usageStatisticsEnabled"] = false },
                    ["telemetry"] = new JsonObject { ["enabled"] = false },
                    ["ui"] = new JsonObject { ["theme"] = "Default" },
                    ["ide"] = new JsonObject { ["enabled"] = false },
                };
                if (options.Hooks is not null) geminiSettings["hooks"] = options.Hooks.DeepClone();
                WriteJson(paths.HooksSettings(runtime), geminiSettings);
                env["GEMINI_API_KEY"] = ApiKey;
                env["GOOGLE_GEMINI_BASE_URL"] = StubUrl;
                env["GEMINI_TELEMETRY_ENABLED"] = "false";
                break;
            case "pi":
                var agentDir = Path.Combine(paths.Home, ".pi", "agent");
                WriteJson(Path.Combine(agentDir, "models.json"), new JsonObject
                {
                    ["providers"] = new JsonObject
                    {
                        ["stub"] = new JsonObject
                        {
                            ["baseUrl"] = StubUrl,
                            ["api"] = "anthropic-messages",
                            ["apiKey"] = ApiKey,
                            // A price per million tokens, so that pi records each response's cost (the usage tests read it).
                            ["models"] = new JsonArray(new JsonObject
                            {
                                ["id"] = ModelName,
                                ["cost"] = new JsonObject { ["input"] = PiPrice.Input, ["output"] = PiPrice.Output, ["cacheRead"] = PiPrice.CacheRead, ["cacheWrite"] = PiPrice.CacheWrite },
                            }),
                        },
                    },
                });
                WriteJson(Path.Combine(agentDir, "settings.json"), new JsonObject
                {
                    ["defaultProvider"] = "stub",
                    ["defaultModel"] = ModelName,
                    ["enableInstallTelemetry"] = false,
                });
                Directory.CreateDirectory(paths.PiExtensions);
                foreach (var (name, source) in options.Extensions) File.WriteAllText(Path.Combine(paths.PiExtensions, name), source);
                env["PI_OFFLINE"] = "1";
                env["PI_SKIP_VERSION_CHECK"] = "1";
                env["PI_TELEMETRY"] = "0";
                break;
        }
        return env;
    }

    /// <summary>
    /// The pane's program: the environment, then the agent in a network namespace of its own with loopback alone,
    /// its model stub started first on loopback inside the same namespace.
    /// </summary>
    private static void WriteLaunchScript(AgentRuntime runtime, AgentPaths paths, IEnumerable<KeyValuePair<string, string>> environment, IReadOnlyList<string> arguments)
    {
        var unshare = IsRoot() ? "unshare -n" : "unshare -rn";
        var script = new StringBuilder("#!/bin/sh\n# Written by the RealAgent test rig: the agent offline, its model stub beside it.\n");
        script.Append($"cd {Quote(paths.Work)} || exit 1\n");
        // A CI runner's variables would make an agent think it runs headless (Gemini CLI exits "No input provided
        // via stdin" when CI=true); a fleet agent is interactive wherever its tests run.
        script.Append($"unset {string.Join(' ', CiVariables)}\n");
        foreach (var (name, value) in environment) script.Append($"export {name}={Quote(value)}\n");
        script.Append($"echo $$ > {Quote(paths.AgentPidFile)}\n");
        // The stub says it listens with LOGFILE.listening (removed first: a restart finds the old one).
        script.Append($"exec {unshare} sh -c 'ip link set lo up || exit 1; rm -f \"$1.listening\"; python3 \"$0\" {StubPort} \"$1\" 2>>\"$2\" & echo $! > \"$3\"; " +
                      "while [ ! -e \"$1.listening\" ]; do sleep 0.05; done; agent=\"$4\"; shift 4; exec \"$agent\" \"$@\"' ");
        script.Append(string.Join(' ', new[] { StubScript, paths.StubLog, paths.StubErrors, paths.StubPidFile, runtime.BinaryPath }.Concat(arguments).Select(Quote)));
        script.Append('\n');
        File.WriteAllText(paths.LaunchScript, script.ToString());
        File.SetUnixFileMode(paths.LaunchScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Variables CI detectors (is-ci, ci-info, Gemini CLI's own) read as "no human at this terminal".</summary>
    private static readonly string[] CiVariables =
        ["CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "RUN_ID", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "TF_BUILD", "JENKINS_URL"];

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            ?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) == "0";

    private static void WriteJson(string path, JsonNode node)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, node.ToJsonString(Indented));
    }
}
