using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetExporter.Agents.Install;

/// <summary>
/// pi runs no command hooks; it loads TypeScript extensions from ~/.pi/agent/extensions/ without a build step
/// (docs/extensions.md). This renders the one fleet-exporter installs: for each event it starts the hook
/// command detached, writes <c>{"hook_event_name": EVENT, ...payload}</c> to its stdin and never waits for it.
/// </summary>
public static class PiExtension
{
    /// <summary>First line of the file; uninstall and re-install only touch a file that starts with it.</summary>
    public const string Marker = "// fleet-exporter hooks extension (written by `fleet-exporter hooks install pi`; `fleet-exporter hooks uninstall pi` removes it)";

    private static readonly JsonSerializerOptions Literal = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON array of strings, also a TypeScript literal; built from nodes, so no reflection is needed.</summary>
    private static string StringArray(IEnumerable<string> items) =>
        new JsonArray([.. items.Select(i => JsonValue.Create(i))]).ToJsonString(Literal);

    public static bool IsOurs(string text) => text.StartsWith(Marker, StringComparison.Ordinal);

    public static string Render(HookCommandLine command, IReadOnlyList<HookEvent> events) => $$"""
        {{Marker}}
        import { spawn } from "node:child_process";

        const COMMAND: string[] = {{StringArray(command.Argv)}};
        const EVENTS = {{StringArray(events.Select(e => e.Name))}};
        // Bulky fields the hook does not need (it reads stdin with a size cap): prompts, messages, results, images.
        const DROP = new Set(["systemPrompt", "systemPromptOptions", "images", "messages", "message", "toolResults", "content", "details"]);

        // pi fires events in bursts (turn_end, agent_end); hooks started side by side would record them in any order,
        // so each starts when the one before has finished (or after 5 s), in the background: pi never waits.
        let queue: Promise<void> = Promise.resolve();

        function run(payload: Record<string, unknown>): Promise<void> {
          return new Promise((done) => {
            try {
              const timer = setTimeout(done, 5000);
              timer.unref?.();
              const child = spawn(COMMAND[0], COMMAND.slice(1), { detached: true, stdio: ["pipe", "ignore", "ignore"] });
              child.on("error", () => { clearTimeout(timer); done(); });
              child.on("exit", () => { clearTimeout(timer); done(); });
              child.stdin?.on("error", () => {});
              child.stdin?.end(JSON.stringify(payload) + "\n");
              child.unref();
            } catch {
              done();
            }
          });
        }

        // pi awaits its handlers at session_shutdown (an exit, /new, /resume, /fork): the hooks still queued then (the
        // last turn's agent_end, the shutdown itself) start before it goes on, within 5 s in all.
        function flushed(): Promise<void> {
          return new Promise((done) => {
            const timer = setTimeout(done, 5000);
            queue.then(() => { clearTimeout(timer); done(); }, () => { clearTimeout(timer); done(); });
          });
        }

        function report(name: string, event: any, ctx: any): void {
          try {
            const payload: Record<string, unknown> = { hook_event_name: name };
            for (const [key, value] of Object.entries(event ?? {})) {
              if (!DROP.has(key) && key !== "type") payload[key] = value;
            }
            try { payload.session_id = ctx?.sessionManager?.getSessionId?.(); } catch {}
            // The session file records each response's usage and cost: the hook counts it (docs/usage.md).
            try { const file = ctx?.sessionManager?.getSessionFile?.(); if (typeof file === "string") payload.transcript_path = file; } catch {}
            if (typeof ctx?.cwd === "string") payload.cwd = ctx.cwd;
            queue = queue.then(() => run(payload), () => run(payload));
          } catch {
            // A heartbeat must never get in the agent's way.
          }
        }

        export default function (pi: any) {
          for (const name of EVENTS) {
            pi.on(name, (event: any, ctx: any) => {
              report(name, event, ctx);
              if (name === "session_shutdown") return flushed();
            });
          }
        }

        """;
}
