// Records every pi event as {"hook_event_name": <event>, ...payload} in one JSON file per event.
import { writeFileSync } from "node:fs";

const dir = process.env.FLEET_RECORD_DIR ?? "";
const events = [
  "session_start", "session_shutdown", "input", "before_agent_start", "agent_start", "agent_end",
  "turn_start", "turn_end", "message_start", "message_end", "tool_call", "tool_result",
  "tool_execution_start", "tool_execution_end", "model_select", "user_bash",
];
let seq = 0;

export default function (pi: any) {
  for (const name of events) {
    pi.on(name, async (event: any) => {
      if (!dir) return;
      let text: string;
      try { text = JSON.stringify({ hook_event_name: name, ...event }); }
      catch (e) { text = JSON.stringify({ hook_event_name: name, unserializable: String(e) }); }
      writeFileSync(`${dir}/${BigInt(Date.now()) * 1000000n + BigInt(++seq)}-${name}.json`, text);
    });
  }
}
