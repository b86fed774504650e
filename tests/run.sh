#!/usr/bin/env bash
# The one command that passes every test on a fresh Debian machine: installs what the tests use (real tmux,
# Prometheus + promtool, Alertmanager, docker-compose for `config` validation), then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tmux >/dev/null || need+=(tmux)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v script >/dev/null || need+=(bsdutils)
command -v python3 >/dev/null || need+=(python3)
command -v node >/dev/null || need+=(nodejs)
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# CI keeps only the tail of the output, so the failures are repeated after the run, where they will be seen.
log="$(mktemp -t fleet-tests.XXXXXX.log)"
rc=0
# Signals at their defaults: a runner that ignores SIGINT or SIGHUP (nohup, a background job) would pass that on to
# every process the tests start, and the tests that stop `demo`, `serve` and `watch` with a signal could not.
defaults=(env --default-signal)
"${defaults[@]}" true 2>/dev/null || defaults=()  # coreutils before 9.0 has no --default-signal
"${defaults[@]}" dotnet test FleetExporter.sln -c Release --blame-hang-timeout 10m --logger "console;verbosity=normal" "$@" 2>&1 \
  | tee "$log" || rc=$?
if ((rc != 0)); then
  echo
  echo "=== failed tests (repeated from above; full log: $log) ==="
  # Each failure: its name, message and the top of its stack, so that several fit in the tail CI keeps.
  # awk alone cuts and caps, so no early-closed pipe can end this script (pipefail) before it exits with rc.
  awk '/^  Failed /{show=1; n=0} /^  (Passed|Skipped) /{show=0} show && n++ < 14 && total++ < 70 {print substr($0, 1, 300)}' "$log"
else
  rm -f "$log"
fi
exit "$rc"
