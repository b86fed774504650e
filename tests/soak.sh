#!/bin/sh
# Soak: N scrapes of a real `fleet-exporter serve` on loopback, C at a time, with a small fleet in a private tmux
# server, while SENDERS concurrent `send`s (each MESSAGES in a row) go to one agent and rounds of HOOKS concurrent
# `hook`s report for another. Prints the serve process's RSS (sampled through the run), open fds and threads, and
# checks: every scrape answered 200, every send journaled and every message arrived once and whole (none merged),
# every hook update applied or logged, RSS flat (the last sample within 25% of the one after warm-up).
# Exit 0 when every check holds, 1 otherwise.
# Usage: tests/soak.sh [SCRAPES=10000] [CONCURRENCY=50] [AGENTS=5] [SENDERS=20] [MESSAGES=5] [HOOKS=50] [HOOK_ROUNDS=4]
# Uses the Release build (dotnet build FleetExporter.sln -c Release), or FLEET_EXPORTER_EXE: give it the native binary
# (dotnet publish src/FleetExporter -c Release -o out; FLEET_EXPORTER_EXE=out/fleet-exporter), which is what runs in
# production. With the JIT build each hook spends ~0.3 s of CPU compiling, and 50 at once on 2 cores then wait past
# their 10 s lock patience: those updates are dropped and logged, which the check accepts (applied + logged = all).
# Everything it starts is stopped at the end.
set -eu
scrapes=${1:-10000}
concurrency=${2:-50}
agents=${3:-5}
senders=${4:-20}
messages=${5:-5}
hooks=${6:-50}
hook_rounds=${7:-4}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${FLEET_EXPORTER_EXE:-$here/src/FleetExporter/bin/Release/net10.0/fleet-exporter}
[ -x "$bin" ] || { echo "soak: build first: dotnet build FleetExporter.sln -c Release" >&2; exit 2; }
dir=$(mktemp -d /tmp/fleet-soak-XXXXXX)
socket=fleet-soak-$$
serve_pid=
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    tmux -L "$socket" kill-server 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

{
    echo "heartbeat: { dir: $dir/hb, interval: 30s }"
    echo "tmux: { socket_name: $socket }"
    echo "send_journal: $dir/sends.jsonl"
    echo "runtimes:"
    echo "  sleeper: { commands: [sleep] }"
    echo "  prompt: { commands: [bash], states: { idle: ['^>\\s*\$'], ready: ['^>\\s*\$'] } }"
    echo "agents:"
    echo "  - { name: talker, runtime: prompt }"
    i=1
    while [ "$i" -le "$agents" ]; do echo "  - { name: soak-$i, runtime: sleeper }"; i=$((i + 1)); done
} > "$dir/roster.yaml"
mkdir -p "$dir/hb"
# The agent the senders talk to: a prompt that shows "> " when empty and echoes each line it gets.
tmux -L "$socket" new-session -d -x 200 -y 50 -s talker "exec bash --norc --noprofile -c 'while IFS= read -r -e -p \"> \" line; do echo \"got: \$line\"; done'"
tmux -L "$socket" set-option -t talker history-limit 100000
i=1
while [ "$i" -le "$agents" ]; do
    tmux -L "$socket" new-session -d -s "soak-$i" "exec sleep 100000"
    "$bin" heartbeat "soak-$i" --roster "$dir/roster.yaml"
    i=$((i + 1))
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --roster "$dir/roster.yaml" --web.listen-address "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
serve_pid=$!
url=http://127.0.0.1:$port/metrics
n=0
until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    n=$((n + 1)); [ "$n" -lt 100 ] || { echo "soak: serve did not answer" >&2; cat "$dir/serve.log" >&2; exit 1; }
    sleep 0.1
done

figures() {
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$serve_pid/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$serve_pid/status")
    fds=$(ls "/proc/$serve_pid/fd" | wc -l)
    printf '%-7s rss %6d KiB   fds %4d   threads %3d\n' "$1" "$rss" "$fds" "$threads"
}

plain=$(curl -s -o /dev/null -w '%{size_download}' "$url")
gzip=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$url")
echo "bytes per scrape: $plain plain, $gzip with Accept-Encoding: gzip (as Prometheus sends)"
figures before
( while kill -0 "$serve_pid" 2>/dev/null; do awk '/^VmRSS:/ { print $2 }' "/proc/$serve_pid/status" >> "$dir/rss"; sleep 2; done ) &
sampler=$!
start=$(date +%s.%N)
seq "$scrapes" | xargs -P "$concurrency" -n 100 sh -c 'for _ in "$@"; do curl -s -o /dev/null -w "%{http_code}\n" "'"$url"'"; done' _ > "$dir/codes" &
scraping=$!

# Senders: each sends its messages in a row; all of them at once.
sender_pids=
s=1
while [ "$s" -le "$senders" ]; do
    ( m=1; while [ "$m" -le "$messages" ]; do
        "$bin" send talker "soak message $s-$m" --roster "$dir/roster.yaml" >> "$dir/send.out" 2>&1 || true
        m=$((m + 1)); done ) &
    sender_pids="$sender_pids $!"
    s=$((s + 1))
done
# Hooks: rounds of HOOKS at once for soak-1, as parallel tool calls fire them.
hb_before=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("seq", 0))' "$dir/hb/soak-1.hb")
payload='{"hook_event_name":"PreToolUse","session_id":"soak","tool_name":"Bash","tool_use_id":"t"}'
r=1
while [ "$r" -le "$hook_rounds" ]; do
    hook_pids=
    h=1
    while [ "$h" -le "$hooks" ]; do
        echo "$payload" | XDG_STATE_HOME="$dir/state" "$bin" hook --runtime claude soak-1 --roster "$dir/roster.yaml" 2>>"$dir/hook.err" &
        hook_pids="$hook_pids $!"
        h=$((h + 1))
    done
    wait $hook_pids
    r=$((r + 1))
done
wait $sender_pids
wait "$scraping"
end=$(date +%s.%N)
kill "$sampler" 2>/dev/null || true
figures after
echo "scrapes $scrapes at concurrency $concurrency in $(echo "$end - $start" | bc) s; status codes:"
sort "$dir/codes" | uniq -c

failed=0
check() { if [ "$1" = ok ]; then echo "ok:     $2"; else echo "FAILED: $2"; failed=1; fi; }
[ "$(grep -cv '^200$' "$dir/codes")" = 0 ] && check ok "every scrape answered 200" || check no "every scrape answered 200"

sends=$((senders * messages))
journaled=$(wc -l < "$dir/sends.jsonl")
[ "$journaled" = "$sends" ] && check ok "$sends sends, $journaled journaled" || check no "$sends sends, $journaled journaled"
python3 -c '
import json, sys, collections
entries = [json.loads(l) for l in open(sys.argv[1])]
print("        verdicts:", dict(collections.Counter(e["verdict"] for e in entries)))
for why, n in collections.Counter(e["evidence"][:110] for e in entries if e["verdict"] != "sent").most_common(3):
    print(f"        {n} x {why}")' "$dir/sends.jsonl"
tmux -L "$socket" capture-pane -p -S - -t talker > "$dir/talker.txt"
sent=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["verdict"] == "sent"))' "$dir/sends.jsonl")
arrived=$(grep -cE '^got: soak message [0-9]+-[0-9]+$' "$dir/talker.txt" || true)
distinct=$(grep -E '^got: soak message [0-9]+-[0-9]+$' "$dir/talker.txt" | sort -u | wc -l)
[ "$arrived" = "$sent" ] && [ "$distinct" = "$sent" ] \
    && check ok "$sent sent, each arrived once and whole ($arrived lines, none merged)" \
    || check no "$sent sent, $arrived arrived whole, $distinct distinct"

hb_after=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("seq", 0))' "$dir/hb/soak-1.hb")
logged=$(grep -c "lock was not free" "$dir/state/fleet/hook.log" 2>/dev/null || true)
updates=$((hooks * hook_rounds))
applied=$((hb_after - hb_before))
[ $((applied + ${logged:-0})) -eq "$updates" ] \
    && check ok "$updates hook updates: $applied applied, ${logged:-0} dropped and logged" \
    || check no "$updates hook updates: $applied applied, ${logged:-0} logged"

samples=$(wc -l < "$dir/rss")
warm=$(awk -v n="$samples" 'NR == int(n / 10) + 1 { print; exit }' "$dir/rss")
last=$(tail -n 1 "$dir/rss")
max=$(sort -n "$dir/rss" | tail -n 1)
echo "        rss samples: $samples, after warm-up $warm KiB, max $max KiB, last $last KiB"
[ "$last" -le $((warm * 125 / 100)) ] && check ok "RSS flat (last within 25% of the warm-up sample)" || check no "RSS flat"
exit "$failed"
