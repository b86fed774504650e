#!/bin/sh
# Soak: N scrapes of a real `fleet-exporter serve` on loopback, C at a time, with a small fleet in a private tmux
# server; prints the serve process's RSS, open fds and threads before and after (issue 10's "Tests").
# Usage: tests/soak.sh [SCRAPES=10000] [CONCURRENCY=50] [AGENTS=5]
# Uses the Release build (dotnet build FleetExporter.sln -c Release), or FLEET_EXPORTER_EXE. Everything it starts is stopped at the end.
set -eu
scrapes=${1:-10000}
concurrency=${2:-50}
agents=${3:-5}
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
    echo "runtimes:"
    echo "  sleeper: { commands: [sleep] }"
    echo "agents:"
    i=1
    while [ "$i" -le "$agents" ]; do echo "  - { name: soak-$i, runtime: sleeper }"; i=$((i + 1)); done
} > "$dir/roster.yaml"
mkdir -p "$dir/hb"
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
start=$(date +%s.%N)
seq "$scrapes" | xargs -P "$concurrency" -n 100 sh -c 'for _ in "$@"; do curl -s -o /dev/null -w "%{http_code}\n" "'"$url"'"; done' _ > "$dir/codes"
end=$(date +%s.%N)
figures after
echo "scrapes $scrapes at concurrency $concurrency in $(echo "$end - $start" | bc) s; status codes:"
sort "$dir/codes" | uniq -c
