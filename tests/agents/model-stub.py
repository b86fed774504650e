#!/usr/bin/env python3
"""A model stub for driving the real coding agents offline (tests only; Python 3 standard library).

usage: model-stub.py PORT LOGFILE

Creates LOGFILE and LOGFILE.listening once it listens, then serves on 127.0.0.1:PORT and appends every request as
one JSON line to LOGFILE: {"ts": <unix s>, "method": ..., "path": ..., "body": <parsed JSON or text>}. A stub
started again on the same LOGFILE (the agent restarted) goes on from the logs it finds: its usage continues the
sequence and its ids are new.

Answers the three wire protocols the agents speak:
  POST /v1/messages                                Anthropic Messages (Claude Code, pi); SSE when "stream": true
  POST /v1/responses                               OpenAI Responses (Codex); SSE, with the account's rate-limit
                                                   windows in x-codex-* headers (logged to LOGFILE.limits)
  POST /v1beta/models/<m>:streamGenerateContent    Gemini (SSE with ?alt=sse)
  POST /v1beta/models/<m>:generateContent          Gemini, non-streaming (router / JSON helpers)

What it answers depends on the text of the last user message:
  TOOL:touch <name>   a tool call that runs `touch <name>` (brings up a permission prompt where the agent asks one);
                      once the tool's result comes back, the answer is "done". Anthropic: the response is a text
                      block ("Running it.") and then the tool_use block, as a model often answers (Claude Code
                      writes such a response as one transcript line per block)
  SUBAGENT:<words>    (Anthropic only) a call of the subagent tool (Claude Code's Agent, which runs it in the
                      background) whose prompt is "HANG subagent: <words>", so the subagent's own request hangs and
                      the subagent never ends; once the tool's result comes back, the main turn answers "done"
  HANG                the request is accepted and never answered (the agent stays working)
  SLOW                the reply "ok" streams slowly over about 8 seconds
  FAIL                an HTTP 400 in the protocol's own error shape (Anthropic and OpenAI invalid_request_error, Gemini
                      INVALID_ARGUMENT), which no client retries: the turn fails
  anything else       the reply "ok"
"""
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_LOCK = threading.Lock()
LOG_PATH = None
COUNTER = [0]
TOOL = re.compile(r"TOOL:touch\s+(\S+)")
SUBAGENT = re.compile(r"SUBAGENT:[ \t]*([^\n]*)")
TOOL_PREAMBLE = "Running it."


def next_id(prefix):
    with LOG_LOCK:
        COUNTER[0] += 1
        return f"{prefix}{COUNTER[0]:06d}"


USAGE_COUNTER = [0]


def next_usage(api, message_id, model, stream, conversation=True):
    """Usage that differs per response (so a count can be checked exactly), logged to LOGFILE.usage as sent, in
    disjoint kinds: input not read from a cache, output other than reasoning, cache reads, cache writes
    (Anthropic only), reasoning (OpenAI and Gemini only)."""
    with LOG_LOCK:
        USAGE_COUNTER[0] += 1
        k = USAGE_COUNTER[0]
        usage = {"input": 100 + 7 * k, "output": 5 + 3 * k, "cache_read": 11 * k,
                 "cache_write": 13 * k if api == "anthropic" else 0, "reasoning": 0 if api == "anthropic" else 2 * k}
        with open(LOG_PATH + ".usage", "a", encoding="utf-8") as log:
            log.write(json.dumps(dict(usage, api=api, id=message_id, model=model, stream=stream,
                                      conversation=conversation, ts=time.time())) + "\n")
    return usage


RATE_COUNTER = [0]


def rate_limit_headers():
    """The account's rate-limit windows as the OpenAI API reports them to Codex (x-codex-* headers), different on
    every response, each logged to LOGFILE.limits as sent."""
    with LOG_LOCK:
        RATE_COUNTER[0] += 1
        k = RATE_COUNTER[0]
        now = int(time.time())
        limits = {"primary": {"used_percent": 1.5 * k, "window_minutes": 300, "resets_at": now + 3600},
                  "secondary": {"used_percent": 20.0 + k, "window_minutes": 10080, "resets_at": now + 86400}}
        with open(LOG_PATH + ".limits", "a", encoding="utf-8") as log:
            log.write(json.dumps(dict(limits, ts=time.time())) + "\n")
    headers = {}
    for window, w in limits.items():
        headers[f"x-codex-{window}-used-percent"] = str(w["used_percent"])
        headers[f"x-codex-{window}-window-minutes"] = str(w["window_minutes"])
        headers[f"x-codex-{window}-reset-at"] = str(w["resets_at"])
    return headers


def log_request(method, path, body):
    line = json.dumps({"ts": time.time(), "method": method, "path": path, "body": body}, ensure_ascii=False)
    with LOG_LOCK, open(LOG_PATH, "a", encoding="utf-8") as log:
        log.write(line + "\n")


def decide(text, tool_result):
    """('tool', name) | ('subagent', words) | ('hang',) | ('fail',) | ('slow',) | ('text', reply)"""
    if tool_result:
        return ("text", "done")
    text = text or ""
    match = TOOL.search(text)
    if match:
        return ("tool", match.group(1))
    match = SUBAGENT.search(text)
    if match:
        return ("subagent", match.group(1).strip() or "wait")
    if "HANG" in text:
        return ("hang",)
    if "FAIL" in text:
        return ("fail",)
    if "SLOW" in text:
        return ("slow",)
    return ("text", "ok")


# ---- Anthropic Messages -------------------------------------------------------------------------------------

def anthropic_last_user(body):
    """Text of the last user message that carries text, and whether the very last user turn is a tool result."""
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    if not users:
        return "", False
    last = users[-1]
    content = last.get("content")
    if isinstance(content, str):
        return content, False
    blocks = content or []
    texts = [b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text"]
    # Claude Code puts <system-reminder> blocks beside the prompt; the prompt is the last plain block.
    plain = [t for t in texts if not t.lstrip().startswith(("<system-reminder>", "[Request interrupted"))]
    if any(b.get("type") == "tool_result" for b in blocks if isinstance(b, dict)):
        # A prompt typed after a denied tool call comes in the same user message as the denial's tool_result.
        return (plain[-1], False) if plain else ("", True)
    return (plain[-1] if plain else "\n".join(texts)), False


def anthropic_tool_name(body, wanted=("Bash", "bash")):
    names = [t.get("name", "") for t in body.get("tools", []) or []]
    for name in wanted:
        if name in names:
            return name
    return names[0] if names else wanted[0]


def anthropic_tool_use(body, action):
    """(tool name, input) for a 'tool' or 'subagent' action."""
    if action[0] == "subagent":
        # The subagent's prompt holds HANG (and not the SUBAGENT trigger): its own first request never gets an answer.
        # Claude Code 2.1.x runs every Agent call in the background; the schema has no background flag to set.
        return anthropic_tool_name(body, ("Agent", "Task")), {
            "description": "Stub subagent", "prompt": f"HANG subagent: {action[1]}"}
    return anthropic_tool_name(body), {"command": f"touch {action[1]}", "description": f"Create {action[1]}"}


# ---- OpenAI Responses ---------------------------------------------------------------------------------------

def responses_last_user(body):
    items = body.get("input")
    if isinstance(items, str):
        return items, False
    items = items or []
    last_user_index = -1
    for i, item in enumerate(items):
        if item.get("type", "message") == "message" and item.get("role") == "user":
            last_user_index = i
    tool_result = any(item.get("type") in ("function_call_output", "custom_tool_call_output")
                      for item in items[last_user_index + 1:])
    if last_user_index < 0:
        return "", tool_result
    content = items[last_user_index].get("content")
    if isinstance(content, str):
        return content, tool_result
    texts = [c.get("text", "") for c in content or [] if isinstance(c, dict)]
    return (texts[-1] if texts else ""), tool_result


# ---- Gemini -------------------------------------------------------------------------------------------------

def gemini_last_user(body):
    contents = body.get("contents", []) or []
    users = [c for c in contents if c.get("role", "user") == "user"]
    if not users:
        return "", False
    parts = users[-1].get("parts", []) or []
    if any("functionResponse" in p for p in parts):
        return "", True
    texts = [p.get("text", "") for p in parts if "text" in p]
    return (texts[-1] if texts else ""), False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the request log is the record
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "") in ("gzip",):
            import gzip
            raw = gzip.decompress(raw)
        elif self.headers.get("Content-Encoding", "") == "zstd":
            return {"undecoded": "zstd", "bytes": len(raw)}
        text = raw.decode("utf-8", errors="replace")
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text

    def do_GET(self):
        log_request("GET", self.path, None)
        if self.path.startswith("/v1/models") or self.path.startswith("/v1beta/models"):
            return self.send_json({"data": [], "models": []})
        self.send_json({}, 404)

    def do_HEAD(self):
        log_request("HEAD", self.path, None)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.read_body()
        log_request("POST", self.path, body)
        path = self.path.split("?", 1)[0]
        body = body if isinstance(body, dict) else {}
        try:
            if path.endswith("/messages/count_tokens"):
                return self.send_json({"input_tokens": 10})
            if path.endswith("/messages"):
                return self.anthropic(body)
            if path.endswith("/responses"):
                return self.openai_responses(body)
            if ":streamGenerateContent" in path:
                return self.gemini(body, stream=True)
            if ":generateContent" in path:
                return self.gemini(body, stream=False)
            if ":countTokens" in path:
                return self.send_json({"totalTokens": 10})
            self.send_json({"error": {"message": "not found"}}, 404)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # ---- plumbing ----

    def send_json(self, obj, status=200):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def start_sse(self, headers=None):
        self.send_response(200)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def sse(self, data, event=None):
        chunk = (f"event: {event}\n" if event else "") + "data: " + json.dumps(data) + "\n\n"
        self.wfile.write(chunk.encode())
        self.wfile.flush()

    def hang(self):
        """Keeps the connection open without answering, until the client goes away."""
        self.start_sse()
        while True:
            time.sleep(5)
            try:
                # An SSE comment line: ignored by every client, and it tells us when the client has gone.
                self.wfile.write(b": waiting\n\n")
                self.wfile.flush()
            except OSError:
                return

    @staticmethod
    def pieces(reply, slow):
        if not slow:
            return [(reply, 0)]
        words = ["o", "k", " (", "slo", "wly", ")"]
        return [(w, 8.0 / len(words)) for w in words]

    # ---- Anthropic ----

    def anthropic(self, body):
        text, tool_result = anthropic_last_user(body)
        action = decide(text, tool_result)
        model = body.get("model", "stub")
        if action[0] == "hang":
            return self.hang()
        if action[0] == "fail":
            return self.send_json({"type": "error", "error": {"type": "invalid_request_error", "message": "stub: FAIL"}}, 400)
        if not body.get("stream"):
            content = [{"type": "text", "text": "ok"}]
            stop = "end_turn"
            if action[0] in ("tool", "subagent"):
                name, tool_input = anthropic_tool_use(body, action)
                content = [{"type": "tool_use", "id": next_id("toolu_"), "name": name, "input": tool_input}]
                if action[0] == "tool":
                    content.insert(0, {"type": "text", "text": TOOL_PREAMBLE})
                stop = "tool_use"
            elif action[0] == "text":
                content = [{"type": "text", "text": action[1]}]
            message_id = next_id("msg_")
            u = next_usage("anthropic", message_id, model, False)
            return self.send_json({"id": message_id, "type": "message", "role": "assistant", "model": model,
                                   "content": content, "stop_reason": stop, "stop_sequence": None,
                                   "usage": {"input_tokens": u["input"], "output_tokens": u["output"],
                                             "cache_creation_input_tokens": u["cache_write"],
                                             "cache_read_input_tokens": u["cache_read"]}})
        message_id = next_id("msg_")
        u = next_usage("anthropic", message_id, model, True)
        self.start_sse()
        # As the API streams it: the input side and a first output count at the start, the final output count at the end.
        self.sse({"type": "message_start", "message": {
            "id": message_id, "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": u["input"], "output_tokens": 1, "cache_creation_input_tokens": u["cache_write"],
                      "cache_read_input_tokens": u["cache_read"]}}}, "message_start")
        index = 0
        if action[0] in ("tool", "subagent"):
            name, tool_input = anthropic_tool_use(body, action)
            if action[0] == "tool":
                self.sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                         "content_block_start")
                self.sse({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": TOOL_PREAMBLE}},
                         "content_block_delta")
                self.sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
                index = 1
            self.sse({"type": "content_block_start", "index": index, "content_block": {
                "type": "tool_use", "id": next_id("toolu_"), "name": name, "input": {}}},
                "content_block_start")
            self.sse({"type": "content_block_delta", "index": index, "delta": {
                "type": "input_json_delta", "partial_json": json.dumps(tool_input)}}, "content_block_delta")
            stop = "tool_use"
        else:
            reply = action[1] if action[0] == "text" else "ok"
            self.sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                     "content_block_start")
            for piece, delay in self.pieces(reply, action[0] == "slow"):
                time.sleep(delay)
                self.sse({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}},
                         "content_block_delta")
            stop = "end_turn"
        self.sse({"type": "content_block_stop", "index": index}, "content_block_stop")
        self.sse({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                  "usage": {"output_tokens": u["output"]}}, "message_delta")
        self.sse({"type": "message_stop"}, "message_stop")

    # ---- OpenAI Responses ----

    def openai_responses(self, body):
        text, tool_result = responses_last_user(body)
        has_tools = bool(body.get("tools"))
        # Codex asks for a title (or other side answers) without tools: plain text, never a tool call.
        action = decide(text, tool_result) if has_tools else ("text", "Stub title")
        if action[0] == "subagent":
            action = ("text", "ok")
        if action[0] == "hang":
            return self.hang()
        if action[0] == "fail":
            return self.send_json({"error": {"message": "stub: FAIL", "type": "invalid_request_error", "param": None,
                                             "code": None}}, 400)
        response_id = next_id("resp_")
        model = body.get("model", "stub")
        base = {"id": response_id, "object": "response", "created_at": int(time.time()), "model": model,
                "status": "in_progress", "output": []}
        if not body.get("stream", True):
            return self.send_json(dict(base, status="completed", output=[self.responses_message(action[1])]))
        self.start_sse(rate_limit_headers())
        self.sse({"type": "response.created", "response": base}, "response.created")
        if action[0] == "tool":
            item = {"type": "function_call", "id": next_id("fc_"), "call_id": next_id("call_"),
                    "name": "exec_command", "status": "completed",
                    "arguments": json.dumps({"cmd": f"touch {action[1]}",
                                             "sandbox_permissions": "require_escalated",
                                             "justification": f"Create {action[1]}?"})}
            self.sse({"type": "response.output_item.added", "output_index": 0, "item": dict(item, status="in_progress")},
                     "response.output_item.added")
            self.sse({"type": "response.output_item.done", "output_index": 0, "item": item},
                     "response.output_item.done")
        else:
            reply = action[1] if action[0] == "text" else "ok"
            message_id = next_id("msg_")
            self.sse({"type": "response.output_item.added", "output_index": 0, "item": {
                "type": "message", "id": message_id, "role": "assistant", "status": "in_progress", "content": []}},
                "response.output_item.added")
            full = ""
            for piece, delay in self.pieces(reply, action[0] == "slow"):
                time.sleep(delay)
                full += piece
                self.sse({"type": "response.output_text.delta", "item_id": message_id, "output_index": 0,
                          "content_index": 0, "delta": piece}, "response.output_text.delta")
            item = self.responses_message(full, message_id)
            self.sse({"type": "response.output_item.done", "output_index": 0, "item": item},
                     "response.output_item.done")
        # A request without tools is a side answer (a title), which Codex does not count as the session's.
        u = next_usage("openai", response_id, model, True, conversation=has_tools)
        # As the Responses API counts: cached tokens are part of the input, reasoning tokens part of the output.
        done = dict(base, status="completed", usage={
            "input_tokens": u["input"] + u["cache_read"], "input_tokens_details": {"cached_tokens": u["cache_read"]},
            "output_tokens": u["output"] + u["reasoning"], "output_tokens_details": {"reasoning_tokens": u["reasoning"]},
            "total_tokens": u["input"] + u["cache_read"] + u["output"] + u["reasoning"]})
        self.sse({"type": "response.completed", "response": done}, "response.completed")

    @staticmethod
    def responses_message(text, message_id=None):
        return {"type": "message", "id": message_id or next_id("msg_"), "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}]}

    # ---- Gemini ----

    def gemini(self, body, stream):
        text, tool_result = gemini_last_user(body)
        generation = body.get("generationConfig") or {}
        wants_json = generation.get("responseMimeType") == "application/json" or "responseJsonSchema" in generation \
            or "responseSchema" in generation
        if wants_json:
            return self.gemini_reply(self.gemini_json(body, generation), stream)
        action = decide(text, tool_result)
        if action[0] == "subagent":
            action = ("text", "ok")
        if action[0] == "hang":
            return self.hang()
        if action[0] == "fail":
            return self.send_json({"error": {"code": 400, "message": "stub: FAIL", "status": "INVALID_ARGUMENT"}}, 400)
        if action[0] == "tool":
            part = {"functionCall": {"name": "run_shell_command",
                                     "args": {"command": f"touch {action[1]}", "description": f"Create {action[1]}"}}}
            return self.gemini_reply_parts([[part]], stream)
        reply = action[1] if action[0] == "text" else "ok"
        chunks = [[{"text": piece}] for piece, _ in self.pieces(reply, action[0] == "slow")]
        delays = [delay for _, delay in self.pieces(reply, action[0] == "slow")]
        return self.gemini_reply_parts(chunks, stream, delays)

    @staticmethod
    def gemini_json(body, generation):
        """Answers the CLI's JSON side requests (model router, next-speaker check) with a value of the schema asked."""
        schema = generation.get("responseJsonSchema") or generation.get("responseSchema") or {}

        def value(node, name=""):
            kind = str(node.get("type", "object")).lower()
            if node.get("enum"):
                return "user" if "user" in node["enum"] else node["enum"][0]
            if kind == "object":
                return {key: value(child, key) for key, child in (node.get("properties") or {}).items()}
            if kind == "array":
                return []
            if kind in ("integer", "number"):
                return 1
            if kind == "boolean":
                return False
            return "user" if name == "next_speaker" else "stub"

        return json.dumps(value(schema))

    def gemini_reply(self, text, stream):
        # The CLI's JSON side requests (model router, next speaker) are not the conversation's.
        return self.gemini_reply_parts([[{"text": text}]], stream, conversation=False)

    def gemini_reply_parts(self, chunks, stream, delays=None, conversation=True):
        # The CLI streams its chat; what it asks without streaming (a session summary at start) is a side request.
        u = next_usage("gemini", next_id("gen_"), "stub", stream, conversation=conversation and stream)
        # As the Gemini API counts: cached tokens are part of the prompt; thoughts are apart from the candidates.
        usage = {"promptTokenCount": u["input"] + u["cache_read"], "cachedContentTokenCount": u["cache_read"],
                 "candidatesTokenCount": u["output"], "thoughtsTokenCount": u["reasoning"],
                 "totalTokenCount": u["input"] + u["cache_read"] + u["output"] + u["reasoning"]}

        def response(parts, last):
            candidate = {"content": {"role": "model", "parts": parts}, "index": 0}
            if last:
                candidate["finishReason"] = "STOP"
            return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "stub"}

        if not stream:
            parts = [p for chunk in chunks for p in chunk]
            return self.send_json(response(parts, True))
        self.start_sse()
        for i, parts in enumerate(chunks):
            if delays:
                time.sleep(delays[i])
            self.sse(response(parts, i == len(chunks) - 1))


def count_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def main():
    global LOG_PATH
    if len(sys.argv) != 3:
        sys.exit("usage: model-stub.py PORT LOGFILE")
    port, LOG_PATH = int(sys.argv[1]), sys.argv[2]
    # Going on from an earlier stub's logs: each request made at most 4 ids, each answer one usage line.
    USAGE_COUNTER[0] = count_lines(LOG_PATH + ".usage")
    COUNTER[0] = 4 * count_lines(LOG_PATH)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    open(LOG_PATH, "a").close()  # the log appears once the port listens: callers wait for it
    open(LOG_PATH + ".listening", "w").close()  # and this, which a restart's launch removes first
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
